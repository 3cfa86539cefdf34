// GET /ui/api/leases: every lease (at most MAX_LEASES) with its remaining and granted TTL and the
// keys attached to it, asked CONCURRENCY at a time.
import * as rpc from '../../gen/etcdserverpb.js';
import type { Result } from '../../mvcc/types.js';
import { ERR, type EtcdError } from '../errors.js';
import type { MemberCalls } from './member-calls.js';
import type { LeaseView } from './api-types.js';
export type { LeaseView } from './api-types.js';

const MAX_LEASES = 1000;
const CONCURRENCY = 16;

/** The leases with their keys as bytes (the locks view reads them too). */
export async function leaseList(calls: MemberCalls, token: string | undefined): Promise<Result<{ id: bigint; ttl: number; grantedTtl: number; keys: Buffer[] }[], EtcdError>> {
  const list = await calls.call(rpc.LeaseService.LeaseLeases, {}, token);
  if (!list.ok) return list;
  const ids = list.value.leases.map((l) => l.ID).slice(0, MAX_LEASES);
  const out: { id: bigint; ttl: number; grantedTtl: number; keys: Buffer[] }[] = [];
  for (let i = 0; i < ids.length; i += CONCURRENCY) {
    const batch = await Promise.all(ids.slice(i, i + CONCURRENCY).map((ID) => calls.call(rpc.LeaseService.LeaseTimeToLive, { ID, keys: true }, token)));
    for (const [j, r] of batch.entries()) {
      if (!r.ok) {
        // A lease that expired between the list and this call is left out.
        if (r.error.code === ERR.leaseNotFound.code && r.error.message === ERR.leaseNotFound.message) continue;
        return r;
      }
      // TTL -1: gone by now.
      if (r.value.TTL < 0) continue;
      out.push({ id: ids[i + j]!, ttl: r.value.TTL, grantedTtl: r.value.grantedTTL, keys: r.value.keys });
    }
  }
  out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { ok: true, value: out };
}

/** `mayRead`: whether the caller may read a key; the others are left out of each lease's keys. */
export async function leases(calls: MemberCalls, token: string | undefined, mayRead: (key: Buffer) => boolean): Promise<Result<{ leases: LeaseView[] }, EtcdError>> {
  const r = await leaseList(calls, token);
  if (!r.ok) return r;
  const view = (l: (typeof r.value)[number]): LeaseView => ({
    id: l.id.toString(16),
    ttl: l.ttl,
    grantedTtl: l.grantedTtl,
    keys: l.keys.filter(mayRead).map((k) => k.toString('utf8')),
  });
  return { ok: true, value: { leases: r.value.map(view) } };
}
