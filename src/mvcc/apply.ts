// Put and DeleteRange as etcd's applier runs them against a write in progress
// (etcdserver/apply.go Put/DeleteRange). Lease existence is checked by the
// caller before any write; see store.ts and txn.ts.
import type { WriteTxn } from './write.js';
import type { DeleteRangeRequest, DeleteRangeResult, PutRequest, PutResult, Result } from './types.js';

/**
 * ignore_value / ignore_lease take the value / lease of the key's current
 * version and need one (key_not_found otherwise). etcd's api layer also rejects
 * ignore_value with a value and ignore_lease with a lease ("etcdserver: value /
 * lease is provided"); that check belongs to the api layer, not here.
 */
export function applyPut(w: WriteTxn, req: PutRequest): Result<PutResult> {
  const prev = w.current(req.key);
  if ((req.ignoreValue || req.ignoreLease) && !prev) return { ok: false, error: { kind: 'key_not_found' } };
  // The previous value is read only when the request needs it.
  const prevKv = prev && (req.prevKv || req.ignoreValue) ? w.keyValue(req.key, prev) : undefined;
  const value = req.ignoreValue && prevKv ? prevKv.value : req.value;
  const lease = req.ignoreLease && prev ? prev.lease : req.lease;
  w.put(req.key, value, lease, prev);
  return { ok: true, value: req.prevKv && prevKv ? { prevKv } : {} };
}

export function applyDeleteRange(w: WriteTxn, req: DeleteRangeRequest): DeleteRangeResult {
  return w.deleteRange(req.key, req.rangeEnd, req.prevKv);
}
