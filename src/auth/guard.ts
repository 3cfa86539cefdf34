import type * as rpc from '../gen/etcdserverpb.js';
import type { AuthStore } from './auth-store.js';
import { authError, type AuthError } from './errors.js';
import { toInterval, type Access } from './key-perms.js';

// Request authorization, as the api layer asks for it: who the token names, and whether that user
// may do what the request does. Every check returns undefined when allowed; while auth is off that
// is one boolean test.

/** What a call carries to name its user; undefined fields were not sent. */
export interface Credentials {
  /** The `token` gRPC metadata value. */
  token: string | undefined;
  /** The CN of the client's verified TLS certificate. */
  certCn: string | undefined;
}

/** The token's user; without a token, as in etcd, the certificate's CN. */
function userOf(auth: AuthStore, c: Credentials): { user: string } | AuthError {
  if (c.token === undefined || c.token === '') return c.certCn === undefined ? authError('user_empty') : { user: c.certCn };
  const user = auth.tokens.user(c.token);
  return user === undefined ? authError('invalid_token') : { user };
}

type KeyCheck = [key: Buffer, rangeEnd: Buffer, access: Access];

function checkKeys(auth: AuthStore, who: Credentials, checks: readonly KeyCheck[]): AuthError | undefined {
  if (!auth.enabled) return undefined;
  const u = userOf(auth, who);
  if ('kind' in u) return u;
  for (const [key, rangeEnd, access] of checks) {
    const err = auth.check(u.user, toInterval(key, rangeEnd), access);
    if (err !== undefined) return err;
  }
  return undefined;
}

/** Admin operations (auth management, maintenance, membership) need the root role. */
export function canAdmin(auth: AuthStore, who: Credentials): AuthError | undefined {
  if (!auth.enabled) return undefined;
  const u = userOf(auth, who);
  if ('kind' in u) return u;
  return auth.isAdmin(u.user) ? undefined : authError('permission_denied');
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

/** Every compare needs read access, every operation in either branch its own access. */
export function canTxn(auth: AuthStore, who: Credentials, req: rpc.TxnRequest): AuthError | undefined {
  if (!auth.enabled) return undefined;
  const checks: KeyCheck[] = [];
  collectTxn(req, checks);
  return checkKeys(auth, who, checks);
}

/** Revoking a lease deletes its keys, so it needs write access to each of them. */
export function canRevokeLease(auth: AuthStore, who: Credentials, keys: () => Buffer[]): AuthError | undefined {
  if (!auth.enabled) return undefined;
  const u = userOf(auth, who);
  if ('kind' in u) return u;
  if (auth.isAdmin(u.user)) return undefined;
  return checkKeys(auth, who, keys().map((k): KeyCheck => [k, Buffer.alloc(0), 'write']));
}

function putChecks(req: rpc.PutRequest): KeyCheck[] {
  const empty = Buffer.alloc(0);
  const checks: KeyCheck[] = [[req.key, empty, 'write']];
  if (req.prev_kv) checks.push([req.key, empty, 'read']);
  return checks;
}

function deleteChecks(req: rpc.DeleteRangeRequest): KeyCheck[] {
  const checks: KeyCheck[] = [[req.key, req.range_end, 'write']];
  if (req.prev_kv) checks.push([req.key, req.range_end, 'read']);
  return checks;
}

function collectTxn(req: rpc.TxnRequest, out: KeyCheck[]): void {
  for (const c of req.compare) out.push([c.key, c.range_end, 'read']);
  for (const op of [...req.success, ...req.failure]) {
    if (op.request_range !== undefined) out.push([op.request_range.key, op.request_range.range_end, 'read']);
    else if (op.request_put !== undefined) out.push(...putChecks(op.request_put));
    else if (op.request_delete_range !== undefined) out.push(...deleteChecks(op.request_delete_range));
    else if (op.request_txn !== undefined) collectTxn(op.request_txn, out);
  }
}
