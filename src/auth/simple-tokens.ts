import { randomInt } from 'node:crypto';
import type { TokenInfo, TokenProvider } from './tokens.js';
import type { Result } from '../mvcc/types.js';
import type { AuthError } from './errors.js';

// etcd's "simple" tokens: an opaque random string mapped to a user name in memory, dropped after
// a while without use. Every member learns each token when it applies the authenticate entry, so
// a client may present it to any member. Tokens do not survive a restart (neither do etcd's).

/** etcd's default simple-token TTL (--auth-token-ttl 300). */
export const TOKEN_TTL_MS = 300_000;
const PREFIX_LEN = 16;
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** The random part of a token; the applier appends "." and the entry's index. */
export function newTokenPrefix(): string {
  let s = '';
  for (let i = 0; i < PREFIX_LEN; i++) s += LETTERS[randomInt(LETTERS.length)];
  return s;
}

export class SimpleTokens implements TokenProvider {
  private readonly tokens = new Map<string, { user: string; expires: number }>();

  constructor(
    private readonly ttlMs: number = TOKEN_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  newPrefix(): string {
    return newTokenPrefix();
  }

  assign(user: string, _authRevision: number, prefix: string, index: number): Result<string, AuthError> {
    const token = `${prefix}.${index}`;
    this.sweep();
    this.tokens.set(token, { user, expires: this.now() + this.ttlMs });
    return { ok: true, value: token };
  }

  /** The token's user, refreshing its lifetime; undefined if unknown or expired. */
  user(token: string): string | undefined {
    const t = this.tokens.get(token);
    if (t === undefined) return undefined;
    const now = this.now();
    if (t.expires <= now) {
      this.tokens.delete(token);
      return undefined;
    }
    t.expires = now + this.ttlMs;
    return t.user;
  }

  /** A simple token names no revision: it is checked against the member's current one. */
  info(token: string): TokenInfo | undefined {
    const user = this.user(token);
    return user === undefined ? undefined : { user, revision: undefined };
  }

  invalidateUser(user: string): void {
    for (const [token, t] of this.tokens) if (t.user === user) this.tokens.delete(token);
  }

  retainUsers(keep: (user: string) => boolean): void {
    for (const [token, t] of this.tokens) if (!keep(t.user)) this.tokens.delete(token);
  }

  clear(): void {
    this.tokens.clear();
  }

  size(): number {
    return this.tokens.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [token, t] of this.tokens) if (t.expires <= now) this.tokens.delete(token);
  }
}
