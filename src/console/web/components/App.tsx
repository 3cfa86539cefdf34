// The shell: loads the config, asks for a login when auth is on, then shows the chosen view.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api, errorText } from '../lib/api';
import type { Ctx } from '../lib/ctx';
import { Perms } from '../lib/perms';
import { loadSession, saveSession, type Session } from '../lib/session';
import type { ConsoleConfig } from '../lib/types';
import { ClusterPage } from './ClusterPage';
import { ErrorBox } from './ErrorBox';
import { KeysPage } from './KeysPage';
import { LeasesPage } from './LeasesPage';
import { LocksPage } from './LocksPage';
import { Login } from './Login';
import { Nav, type View, viewFromHash } from './Nav';
import { WatchPage } from './WatchPage';

export function App() {
  const [config, setConfig] = useState<ConsoleConfig | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [session, setSession] = useState<Session | null>(loadSession);
  const [perms, setPerms] = useState<Perms | null>(null);
  const [view, setView] = useState<View>(viewFromHash(location.hash));

  useEffect(() => {
    const onHash = (): void => setView(viewFromHash(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    new Api(null)
      .get<ConsoleConfig>('/ui/api/config')
      .then((c) => {
        setConfig(c);
        document.title = `raftkv ${c.name}`;
      })
      .catch((e: unknown) => setError(errorText(e)));
  }, []);

  const logout = (): void => {
    saveSession(null);
    setSession(null);
    setPerms(null);
  };

  const api = useMemo(() => {
    const a = new Api(config?.authEnabled === true ? (session?.token ?? null) : null);
    a.onUnauthorized = logout;
    return a;
  }, [config, session]);

  useEffect(() => {
    if (config === null) return;
    if (!config.authEnabled) {
      setPerms(Perms.everything());
      return;
    }
    if (session === null) return;
    Perms.load(api, session.user)
      .then(setPerms)
      .catch((e: unknown) => setError(`reading your permissions: ${errorText(e)}`));
  }, [config, session, api]);

  if (config === null) return error === null ? <p class="loading">Loading…</p> : <ErrorBox error={error} />;
  if (config.authEnabled && session === null) {
    return (
      <Login
        onLogin={(s) => {
          saveSession(s);
          setError(null);
          setSession(s);
        }}
      />
    );
  }
  if (perms === null) return error === null ? <p class="loading">Loading…</p> : <ErrorBox error={error} />;

  const ctx: Ctx = { api, config, perms };
  return (
    <div class="app">
      <Nav view={view} config={config} user={session?.user ?? null} onLogout={config.authEnabled ? logout : null} />
      <main>
        {view === 'cluster' && <ClusterPage ctx={ctx} />}
        {view === 'keys' && <KeysPage ctx={ctx} />}
        {view === 'watch' && <WatchPage ctx={ctx} />}
        {view === 'leases' && <LeasesPage ctx={ctx} />}
        {view === 'locks' && <LocksPage ctx={ctx} />}
      </main>
    </div>
  );
}
