// Who may use the console API: with auth enabled, a call needs the token the gateway's
// /v3/auth/authenticate gave its user (header Authorization), as the gRPC services do.
import type { IncomingMessage } from 'node:http';
import type { AuthStore } from '../../auth/auth-store.js';
import { toInterval } from '../../auth/key-perms.js';
import type { Result } from '../../mvcc/types.js';
import { ERR, type EtcdError } from '../errors.js';

/** The auth state the console needs, handed in by the composition root. */
export interface ConsoleAuth {
  enabled(): boolean;
  /** Whether `token` names a user of this member's token provider now. */
  tokenValid(token: string): boolean;
  /**
   * Whether the token's user may read `key`. For lists the member gives anyone (leases and their
   * keys: etcd checks no permission for them), so the console shows a user only its own keys.
   */
  mayRead(token: string | undefined, key: Buffer): boolean;
}

/** The console's view of this member's auth store. */
export function consoleAuth(store: Pick<AuthStore, 'enabled' | 'tokens' | 'check'>): ConsoleAuth {
  const userOf = (token: string): string | undefined => store.tokens.info(token)?.user;
  return {
    enabled: () => store.enabled,
    tokenValid: (token) => userOf(token) !== undefined,
    mayRead: (token, key) => {
      if (!store.enabled) return true;
      const user = token === undefined ? undefined : userOf(token);
      return user !== undefined && store.check(user, toInterval(key, Buffer.alloc(0)), 'read') === undefined;
    },
  };
}

/** The caller's token (undefined when auth is off and none was sent), or why it is refused. */
export function callerToken(auth: ConsoleAuth, req: IncomingMessage): Result<string | undefined, EtcdError> {
  const h = req.headers.authorization;
  const token = h === undefined || h === '' ? undefined : h;
  if (!auth.enabled()) return { ok: true, value: token };
  if (token === undefined || !auth.tokenValid(token)) return { ok: false, error: ERR.invalidAuthToken };
  return { ok: true, value: token };
}
