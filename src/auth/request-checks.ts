import type * as rpc from '../gen/etcdserverpb.js';
import type { InternalRequest } from '../gen/raftkvpb.js';
import type { AuthStore } from './auth-store.js';
import { authError, type AuthError } from './errors.js';
import { toInterval, type Access } from './key-perms.js';

// The key accesses a request needs, as etcd counts them, and the check the applier makes again when
// a client's entry is applied (etcd's authApplierV3): the member that proposed checked against its
// own auth state; by the time the entry applies the auth store may have moved on.

export type KeyCheck = [key: Buffer, rangeEnd: Buffer, access: Access];

export function putChecks(req: rpc.PutRequest): KeyCheck[] {
  const empty = Buffer.alloc(0);
  const checks: KeyCheck[] = [[req.key, empty, 'write']];
  if (req.prev_kv) checks.push([req.key, empty, 'read']);
  return checks;
}

export function deleteChecks(req: rpc.DeleteRangeRequest): KeyCheck[] {
  const checks: KeyCheck[] = [[req.key, req.range_end, 'write']];
  if (req.prev_kv) checks.push([req.key, req.range_end, 'read']);
  return checks;
}

/** Every compare needs read access, every operation in either branch its own access. */
export function txnChecks(req: rpc.TxnRequest, out: KeyCheck[] = []): KeyCheck[] {
  for (const c of req.compare) out.push([c.key, c.range_end, 'read']);
  for (const op of [...req.success, ...req.failure]) {
    if (op.request_range !== undefined) out.push([op.request_range.key, op.request_range.range_end, 'read']);
    else if (op.request_put !== undefined) out.push(...putChecks(op.request_put));
    else if (op.request_delete_range !== undefined) out.push(...deleteChecks(op.request_delete_range));
    else if (op.request_txn !== undefined) txnChecks(op.request_txn, out);
  }
  return out;
}

/** Revoking a lease deletes its keys, so it needs write access to each of them. */
export function leaseKeyChecks(keys: readonly Buffer[]): KeyCheck[] {
  return keys.map((k): KeyCheck => [k, Buffer.alloc(0), 'write']);
}

export function checkKeysAs(auth: AuthStore, user: string, checks: readonly KeyCheck[]): AuthError | undefined {
  for (const [key, rangeEnd, access] of checks) {
    const err = auth.check(user, toInterval(key, rangeEnd), access);
    if (err !== undefined) return err;
  }
  return undefined;
}

/** etcd's IsAdminPermitted: the root role, no revision check. */
export function checkAdminAs(auth: AuthStore, user: string): AuthError | undefined {
  if (!auth.enabled) return undefined;
  if (user === '') return authError('user_empty');
  if (auth.user(user) === undefined) return authError('user_not_found');
  return auth.isAdmin(user) ? undefined : authError('permission_denied');
}

function isAuthChange(req: InternalRequest): boolean {
  return (
    req.auth_enable !== undefined ||
    req.auth_disable !== undefined ||
    req.auth_user_add !== undefined ||
    req.auth_user_delete !== undefined ||
    req.auth_user_change_password !== undefined ||
    req.auth_user_grant_role !== undefined ||
    req.auth_user_revoke_role !== undefined ||
    req.auth_role_add !== undefined ||
    req.auth_role_delete !== undefined ||
    req.auth_role_grant_permission !== undefined ||
    req.auth_role_revoke_permission !== undefined
  );
}

/**
 * The applying member's verdict on a client's entry, undefined when it may apply. Entries without
 * a header (a member's own) and entries applied while auth is off are not checked.
 */
export function checkApplied(auth: AuthStore, req: InternalRequest, leaseKeys: (id: bigint) => Buffer[]): AuthError | undefined {
  const h = req.header;
  if (h === undefined || !auth.enabled) return undefined;
  if (isAuthChange(req)) return checkAdminAs(auth, h.username);
  let checks: KeyCheck[];
  // etcd's checkLeasePuts: a put may attach a lease only if the user could revoke it (write
  // access to every key already on it); a txn's puts are not checked for that, as in etcd.
  if (req.put !== undefined) checks = [...putChecks(req.put), ...(req.put.lease === 0n ? [] : leaseKeyChecks(leaseKeys(req.put.lease)))];
  else if (req.delete_range !== undefined) checks = deleteChecks(req.delete_range);
  else if (req.txn !== undefined) checks = txnChecks(req.txn);
  else if (req.lease_revoke !== undefined) checks = leaseKeyChecks(leaseKeys(req.lease_revoke.ID));
  else return undefined;
  // etcd's isOpPermitted: no user, then a permission check made at an older auth revision.
  if (h.username === '') return authError('user_empty');
  if (h.auth_revision < auth.revision()) return authError('auth_old_revision');
  return checkKeysAs(auth, h.username, checks);
}
