import * as rpc from '../../gen/etcdserverpb.js';
import { prefixEnd } from '../../client/key-range.js';
import { ERR, type EtcdError } from '../errors.js';
import type { Reply } from '../handler.js';
import { batches } from './batches.js';
import type { SessionClient } from './session-client.js';


/** clientv3's WithFirstCreate/WithLastCreate: the oldest (newest) key under the prefix. */
export function byCreate(pfx: Buffer, order: rpc.RangeRequest_SortOrder, maxCreateRev = 0): rpc.RangeRequestInit {
  return {
    key: pfx,
    range_end: prefixEnd(pfx),
    sort_target: rpc.RangeRequest_SortTarget.CREATE,
    sort_order: order,
    limit: 1,
    max_create_revision: maxCreateRev,
  };
}

/** Waits for a delete of `key` at or after revision `rev` (concurrency's waitDelete). */
async function waitDelete(c: SessionClient, key: Buffer, rev: number, signal: AbortSignal): Promise<Reply<void>> {
  const end: { error?: EtcdError } = {};
  for await (const b of batches(c.watch(key, Buffer.alloc(0), rev), signal, end)) {
    if (b.events.some((e) => e.type === 'delete')) return { ok: true, value: undefined };
  }
  return { ok: false, error: end.error ?? ERR.canceled };
}

/**
 * Waits until every key under `pfx` created at or before `maxCreateRev` is gone, newest first
 * (concurrency's waitDeletes); answers the header of the read that found none.
 */
export async function waitDeletes(
  c: SessionClient,
  pfx: Buffer,
  maxCreateRev: number,
  signal: AbortSignal,
): Promise<Reply<rpc.ResponseHeaderInit | undefined>> {
  for (;;) {
    if (signal.aborted) return { ok: false, error: ERR.canceled };
    const r = await c.range(byCreate(pfx, rpc.RangeRequest_SortOrder.DESCEND, maxCreateRev));
    if (!r.ok) return r;
    const last = r.value.kvs?.[0];
    if (last === undefined) return { ok: true, value: r.value.header };
    const w = await waitDelete(c, last.key ?? Buffer.alloc(0), r.value.header?.revision ?? 0, signal);
    if (!w.ok) return w;
  }
}
