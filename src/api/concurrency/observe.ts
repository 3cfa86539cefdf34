import * as rpc from '../../gen/etcdserverpb.js';
import type * as mvccpb from '../../gen/mvccpb.js';
import { prefixEnd } from '../../client/key-range.js';
import { fromKv } from '../../wire/responses.js';
import { batches } from './batches.js';
import type { SessionClient } from './session-client.js';
import { prefixOf } from './session.js';
import { byCreate } from './wait-deletes.js';

export interface Proclamation {
  header: rpc.ResponseHeaderInit;
  kv: mvccpb.KeyValueInit;
}

/** The first put under `pfx` from `rev` on; its header's revision is the put's (as etcd sets it). */
async function firstPut(c: SessionClient, pfx: Buffer, rev: number, signal: AbortSignal): Promise<Proclamation | undefined> {
  for await (const b of batches(c.watch(pfx, prefixEnd(pfx), rev), signal)) {
    const put = b.events.find((e) => e.type === 'put');
    if (put !== undefined) return { header: { ...b.header, revision: put.kv.modRevision }, kv: fromKv(put.kv) };
  }
  return undefined;
}

/**
 * Election.Observe: sends the leader's proclamation, then each new value it proclaims, and after
 * its key is gone the next leader's, until `signal` aborts or a read or watch fails. Returns then.
 */
export async function observe(
  c: SessionClient,
  name: Buffer,
  send: (p: Proclamation) => void,
  signal: AbortSignal,
): Promise<void> {
  const pfx = prefixOf(name);
  while (!signal.aborted) {
    const r = await c.range(byCreate(pfx, rpc.RangeRequest_SortOrder.ASCEND));
    if (!r.ok) return;
    const kv = r.value.kvs?.[0];
    const header = r.value.header ?? {};
    const cur = kv !== undefined ? { header, kv } : await firstPut(c, pfx, header.revision ?? 0, signal);
    if (cur === undefined) return;
    send(cur);
    const feed = c.watch(cur.kv.key ?? Buffer.alloc(0), Buffer.alloc(0), (cur.header.revision ?? 0) + 1);
    let deleted = false;
    follow: for await (const b of batches(feed, signal)) {
      for (const e of b.events) {
        deleted = e.type === 'delete';
        if (deleted) break follow;
        send({ header: b.header, kv: fromKv(e.kv) });
      }
    }
    if (!deleted) return; // the watch ended: so does Observe, as etcd's
  }
}
