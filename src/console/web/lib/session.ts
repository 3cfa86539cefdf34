// The login kept for this tab only (sessionStorage): gone when the tab closes, never in a cookie.

export interface Session {
  user: string;
  token: string;
}

const KEY = 'raftkv.console.session';

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (raw === null) return null;
    const s = JSON.parse(raw) as Partial<Session>;
    return typeof s.user === 'string' && typeof s.token === 'string' ? { user: s.user, token: s.token } : null;
  } catch {
    return null;
  }
}

export function saveSession(s: Session | null): void {
  try {
    if (s === null) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, JSON.stringify(s));
  } catch {
    // storage refused (private mode): the session lives in memory only
  }
}
