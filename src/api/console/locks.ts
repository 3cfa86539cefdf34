// GET /ui/api/locks: the locks and elections made with etcd's concurrency recipes (etcdctl lock
// and elect, clientv3/concurrency, the v3lock and v3election services). Their layout: a key
// `<name>/<lease ID in hex>` attached to that lease, one per contender; the holder is the lowest
// create revision. Found from the leases' keys, then one serializable Range per group (with the
// user's token: a group the user may not read is left out).
import * as grpc from '@grpc/grpc-js';
import * as rpc from '../../gen/etcdserverpb.js';
import { prefixEnd } from '../../client/key-range.js';
import type { Result } from '../../mvcc/types.js';
import type { EtcdError } from '../errors.js';
import { leaseList } from './leases.js';
import type { MemberCalls } from './member-calls.js';
import type { LockEntry, LockGroup } from './api-types.js';
export type { LockEntry, LockGroup } from './api-types.js';

const MAX_PER_GROUP = 1000;

export async function locks(calls: MemberCalls, token: string | undefined): Promise<Result<{ groups: LockGroup[] }, EtcdError>> {
  const ls = await leaseList(calls, token);
  if (!ls.ok) return ls;
  const prefixes = new Set<string>();
  for (const l of ls.value) {
    const suffix = `/${l.id.toString(16)}`;
    for (const k of l.keys) {
      const s = k.toString('utf8');
      if (s.length > suffix.length && s.endsWith(suffix)) prefixes.add(s.slice(0, s.length - suffix.length + 1));
    }
  }
  const groups: LockGroup[] = [];
  for (const prefix of [...prefixes].sort()) {
    const p = Buffer.from(prefix, 'utf8');
    const r = await calls.call(rpc.KVService.Range, { key: p, range_end: prefixEnd(p), serializable: true, limit: MAX_PER_GROUP, sort_target: rpc.RangeRequest_SortTarget.CREATE, sort_order: rpc.RangeRequest_SortOrder.ASCEND }, token);
    if (!r.ok) {
      if (r.error.code === grpc.status.PERMISSION_DENIED) continue;
      return r;
    }
    // Contenders only: directly under the prefix, named for the lease they are attached to.
    const entries = r.value.kvs
      .filter((kv) => kv.lease !== 0n && kv.key.subarray(p.length).toString('utf8') === kv.lease.toString(16))
      .map((kv): LockEntry => ({ key: kv.key.toString('utf8'), lease: kv.lease.toString(16), createRevision: kv.create_revision, value: kv.value.toString('base64') }));
    const [holder, ...waiters] = entries;
    if (holder === undefined) continue;
    groups.push({ prefix, kind: holder.value === '' ? 'lock' : 'election', holder, waiters });
  }
  return { ok: true, value: { groups } };
}
