import * as grpc from '@grpc/grpc-js';
import { canRange } from '../../auth/guard.js';
import * as rpc from '../../gen/etcdserverpb.js';
import type { AuthStore } from '../../auth/auth-store.js';
import type { MvccEvent } from '../../mvcc/types.js';
import { eventFilterOf } from '../../watch/event-filter.js';
import { keyRangeOf } from '../../watch/key-range.js';
import { CANCEL_REASON, type WatchHub } from '../../watch/index.js';
import { ERR, fromServerError, type EtcdError } from '../errors.js';
import { credentialsOf, reply, type Reply } from '../handler.js';
import { makeHeader, type HeaderSource } from '../header.js';
import type { KvCalls } from '../kv-service.js';
import type { SessionClient, WatchFeed, WatchNext } from './session-client.js';

export interface InProcessDeps {
  header: HeaderSource;
  kv: KvCalls;
  grant: (req: rpc.LeaseGrantRequest) => Promise<Reply<rpc.LeaseGrantResponseInit>>;
  hub: WatchHub;
  auth: AuthStore;
}

/** The KV calls take decoded requests (every field present): fill in defaults as the wire would. */
function decoded<I, T>(codec: { encode(m: I): { finish(): Uint8Array }; decode(b: Uint8Array): T }, init: I): T {
  return codec.decode(codec.encode(init).finish());
}

const EMPTY_RANGE: EtcdError = { code: grpc.status.INVALID_ARGUMENT, message: CANCEL_REASON.empty_range };

/** A watcher on the hub whose batches are taken one at a time. */
class HubFeed implements WatchFeed {
  private readonly queue: WatchNext[] = [];
  private waiter: ((n: WatchNext) => void) | undefined;
  private cancelHub: () => void = () => undefined;
  private ended = false;

  constructor(private readonly header: HeaderSource) {}

  attach(cancel: () => void): void {
    this.cancelHub = cancel;
  }

  push(n: WatchNext): void {
    if (this.ended) return;
    if (!n.ok) this.ended = true;
    const w = this.waiter;
    this.waiter = undefined;
    if (w !== undefined) w(n);
    else this.queue.push(n);
  }

  deliver(events: MvccEvent[], revision: number): void {
    this.push({ ok: true, value: { events, header: makeHeader(this.header, revision) } });
  }

  pending(): number {
    let n = 0;
    for (const q of this.queue) if (q.ok) n += q.value.events.length;
    return n;
  }

  next(): Promise<WatchNext> {
    const n = this.queue.shift();
    if (n !== undefined) return Promise.resolve(n);
    return new Promise((resolve) => (this.waiter = resolve));
  }

  cancel(): void {
    this.cancelHub();
    this.push({ ok: false, error: ERR.canceled });
  }
}

/** A SessionClient acting for the caller whose call metadata is `meta`. */
export function inProcessClient(d: InProcessDeps, meta: grpc.Metadata): SessionClient {
  return {
    range: (req) => d.kv.range(decoded(rpc.RangeRequest, req), meta),
    txn: (req) => d.kv.txn(decoded(rpc.TxnRequest, req), meta),
    deleteRange: (req) => d.kv.deleteRange(decoded(rpc.DeleteRangeRequest, req), meta),
    async grant(ttl) {
      const r = await d.grant(decoded(rpc.LeaseGrantRequest, { TTL: ttl }));
      return r.ok ? reply(r.value.ID ?? 0n) : r;
    },
    watch(key, rangeEnd, startRevision) {
      const feed = new HubFeed(d.header);
      const denied = canRange(d.auth, credentialsOf(meta), { key, range_end: rangeEnd });
      const range = keyRangeOf(key, rangeEnd);
      if (denied !== undefined || range === null) {
        feed.push({ ok: false, error: denied !== undefined ? fromServerError(denied) : EMPTY_RANGE });
        return feed;
      }
      const w = d.hub.watch(
        { range, startRevision, filter: eventFilterOf([], false) },
        {
          deliver: (events, revision) => feed.deliver(events, revision),
          compacted: () => feed.push({ ok: false, error: fromServerError({ kind: 'compacted' }) }),
          pendingEvents: () => feed.pending(),
        },
      );
      feed.attach(() => w.cancel());
      return feed;
    },
  };
}
