import type * as rpc from '../gen/etcdserverpb.js';
import type { RequestHeaderInit } from '../gen/raftkvpb.js';
import type { AuthStore } from './auth-store.js';
import { authError, type AuthError } from './errors.js';
import { checkKeysAs, deleteChecks, leaseKeyChecks, putChecks, txnChecks, type KeyCheck } from './request-checks.js';

// Request authorization, as the api layer asks for it: who the token names, and whether that user
// may do what the request does. Every check returns undefined when allowed; while auth is off that
// is one boolean test. Writes also carry who asked (`headerOf`), so the applier checks again.

/** What a call carries to name its user; undefined fields were not sent. */
export interface Credentials {
  /** The `token` gRPC metadata value. */
  token: string | undefined;
  /** The CN of the client's verified TLS certificate. */
  certCn: string | undefined;
}

interface Requester {
  user: string;
  /** The auth revision the user's rights are taken at: the token's (JWT), else the current one. */
  revision: number;
}

/** The token's user; without a token, as in etcd, the certificate's CN. */
function userOf(auth: AuthStore, c: Credentials): Requester | AuthError {
  if (c.token === undefined || c.token === '') {
    return c.certCn === undefined ? authError('user_empty') : { user: c.certCn, revision: auth.revision() };
  }
  const info = auth.tokens.info(c.token);
  return info === undefined ? authError('invalid_token') : { user: info.user, revision: info.revision ?? auth.revision() };
}

function checkKeys(auth: AuthStore, who: Credentials, checks: readonly KeyCheck[]): AuthError | undefined {
  if (!auth.enabled) return undefined;
  const u = userOf(auth, who);
  if ('kind' in u) return u;
  // etcd's isOpPermitted: a JWT issued before the last auth change is refused.
  if (u.revision < auth.revision()) return authError('auth_old_revision');
  return checkKeysAs(auth, u.user, checks);
}

/**
 * The header a client's write carries into the log: who asked and at which auth revision the check
 * above was made (an empty user while auth is off). Call it after the check passed.
 */
export function headerOf(auth: AuthStore, who: Credentials): RequestHeaderInit {
  if (!auth.enabled) return { username: '', auth_revision: auth.revision() };
  const u = userOf(auth, who);
  return 'kind' in u ? { username: '', auth_revision: 0 } : { username: u.user, auth_revision: u.revision };
}

/**
 * etcd's doSerialize, after a read was served: a token naming another auth revision than the one
 * the read saw (a JWT issued before, or on a member ahead of this one) gets the old-revision error.
 * Simple tokens name no revision.
 */
export function staleAfterRead(auth: AuthStore, who: Credentials): AuthError | undefined {
  if (!auth.enabled || who.token === undefined || who.token === '') return undefined;
  const rev = auth.tokens.info(who.token)?.revision;
  return rev !== undefined && rev !== auth.revision() ? authError('auth_old_revision') : undefined;
}

/** Admin operations (auth management, maintenance, membership) need the root role. */
export function canAdmin(auth: AuthStore, who: Credentials): AuthError | undefined {
  if (!auth.enabled) return undefined;
  const u = userOf(auth, who);
  if ('kind' in u) return u;
  return auth.isAdmin(u.user) ? undefined : authError('permission_denied');
}

/** etcd's UserGet: root, or the user asking about itself. */
export function canGetUser(auth: AuthStore, who: Credentials, name: string): AuthError | undefined {
  if (!auth.enabled) return undefined;
  const u = userOf(auth, who);
  if ('kind' in u) return u;
  return auth.isAdmin(u.user) || u.user === name ? undefined : authError('permission_denied');
}

/** etcd's RoleGet: root, or a user that has the role. */
export function canGetRole(auth: AuthStore, who: Credentials, role: string): AuthError | undefined {
  if (!auth.enabled) return undefined;
  const u = userOf(auth, who);
  if ('kind' in u) return u;
  return auth.isAdmin(u.user) || (auth.user(u.user)?.roles.includes(role) ?? false) ? undefined : authError('permission_denied');
}

export function canRange(auth: AuthStore, who: Credentials, req: { key: Buffer; range_end: Buffer }): AuthError | undefined {
  return checkKeys(auth, who, [[req.key, req.range_end, 'read']]);
}

export function canPut(auth: AuthStore, who: Credentials, req: rpc.PutRequest): AuthError | undefined {
  return checkKeys(auth, who, putChecks(req));
}

export function canDeleteRange(auth: AuthStore, who: Credentials, req: rpc.DeleteRangeRequest): AuthError | undefined {
  return checkKeys(auth, who, deleteChecks(req));
}

export function canTxn(auth: AuthStore, who: Credentials, req: rpc.TxnRequest): AuthError | undefined {
  if (!auth.enabled) return undefined;
  return checkKeys(auth, who, txnChecks(req));
}

/** Revoking a lease deletes its keys, so it needs write access to each of them. */
export function canRevokeLease(auth: AuthStore, who: Credentials, keys: () => Buffer[]): AuthError | undefined {
  if (!auth.enabled) return undefined;
  const u = userOf(auth, who);
  if ('kind' in u) return u;
  if (auth.isAdmin(u.user)) return undefined;
  return checkKeys(auth, who, leaseKeyChecks(keys()));
}
