// The pieces of etcd's client-side concurrency recipes (clientv3/concurrency)
// that lock and elect share: "first/last created under a prefix" reads and
// waiting for the keys created before one's own to go away.
import type { EtcdClient } from '../client/etcd-client.js';
import * as rpc from '../gen/etcdserverpb.js';
import * as mvccpb from '../gen/mvccpb.js';
import { CtlError, ExitCode } from './exit.js';
import { prefixEnd } from '../client/key-range.js';

export const FIRST_CREATE = { sort_target: rpc.RangeRequest_SortTarget.CREATE, sort_order: rpc.RangeRequest_SortOrder.ASCEND, limit: 1 };
const LAST_CREATE = { sort_target: rpc.RangeRequest_SortTarget.CREATE, sort_order: rpc.RangeRequest_SortOrder.DESCEND, limit: 1 };

/** Resolves once `key` is deleted at or after `rev`. */
async function waitDelete(client: EtcdClient, key: Buffer, rev: number, abort: AbortSignal): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const w = client.watch(key, { startRevision: rev }, (r) => {
      if (r.events.some((e) => e.type === mvccpb.Event_EventType.DELETE)) {
        w.cancel();
        resolve();
      }
    });
    abort.addEventListener('abort', () => {
      w.cancel();
      reject(new CtlError('context canceled', ExitCode.Error));
    });
    w.done.catch((e: unknown) => reject(e as Error));
  });
}

/** Waits until no key under the prefix was created before `maxCreateRev` + 1. */
export async function waitDeletes(client: EtcdClient, pfx: Buffer, maxCreateRev: number, abort: AbortSignal): Promise<rpc.ResponseHeader | undefined> {
  for (;;) {
    const r = await client.unary(rpc.KVService.Range, { key: pfx, range_end: prefixEnd(pfx), max_create_revision: maxCreateRev, ...LAST_CREATE });
    const last = r.kvs[0];
    if (last === undefined) return r.header;
    await waitDelete(client, last.key, r.header?.revision ?? 0, abort);
  }
}

