import * as rpc from '../../gen/etcdserverpb.js';
import type { Reply } from '../handler.js';
import type { SessionClient } from './session-client.js';
import { prefixOf, sessionKey } from './session.js';
import { byCreate, waitDeletes } from './wait-deletes.js';

export interface Held {
  header: rpc.ResponseHeaderInit | undefined;
  key: Buffer;
}

/**
 * concurrency.Mutex.Lock for `name` under `lease`: put the session's key under name/ unless it is
 * there already; the lock is held once every key created before it is gone. A wait that fails
 * (the caller went away, say) deletes the key again.
 */
export async function lock(c: SessionClient, name: Buffer, lease: bigint, signal: AbortSignal): Promise<Reply<Held>> {
  const pfx = prefixOf(name);
  const key = sessionKey(pfx, lease);
  const owner: rpc.RequestOpInit = { request_range: byCreate(pfx, rpc.RangeRequest_SortOrder.ASCEND) };
  const r = await c.txn({
    compare: [{ key, target: rpc.Compare_CompareTarget.CREATE, result: rpc.Compare_CompareResult.EQUAL, create_revision: 0 }],
    success: [{ request_put: { key, value: Buffer.alloc(0), lease } }, owner],
    failure: [{ request_range: { key } }, owner],
  });
  if (!r.ok) return r;
  const resp = r.value;
  const responses = resp.responses ?? [];
  let myRev = resp.header?.revision ?? 0;
  if (resp.succeeded !== true) myRev = responses[0]?.response_range?.kvs?.[0]?.create_revision ?? 0;
  const first = responses[1]?.response_range?.kvs?.[0];
  if (first === undefined || first.create_revision === myRev) return { ok: true, value: { header: resp.header, key } };
  const w = await waitDeletes(c, pfx, myRev - 1, signal);
  if (!w.ok) {
    await c.deleteRange({ key });
    return w;
  }
  return { ok: true, value: { header: w.value, key } };
}
