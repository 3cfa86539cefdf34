// Test-only helpers: an in-memory HistorySource and a response collector.
import type { KeyValue, MvccEvent, Result } from '../../src/mvcc/types.js';
import type { HistoryQuery, HistorySource } from '../../src/watch/history-source.js';
import { keyRangeOf, rangeContains } from '../../src/watch/key-range.js';
import type { WatchHub } from '../../src/watch/watch-hub.js';
import { WatchStream, type WatchStreamOptions } from '../../src/watch/watch-stream.js';
import type { WatchCreateRequest, WatchResponse } from '../../src/watch/watch-types.js';

export const b = (s: string): Buffer => Buffer.from(s);

export type FakeOp = { type: 'put'; key: string; value: string } | { type: 'delete'; key: string };

/** A tiny MVCC log: every applied txn is one revision; keeps all events until compacted. */
export class FakeHistory implements HistorySource {
  rev = 1; // a fresh etcd store is at revision 1
  compacted = 0;
  readonly log: MvccEvent[] = [];
  private readonly latest = new Map<string, KeyValue>();
  historyCalls = 0;

  currentRevision(): number {
    return this.rev;
  }

  compactRevision(): number {
    return this.compacted;
  }

  /** Applies ops as one revision; returns its events (none, and no new revision, if nothing changed). */
  txn(ops: FakeOp[]): MvccEvent[] {
    const rev = this.rev + 1;
    const events: MvccEvent[] = [];
    for (const op of ops) {
      const prev = this.latest.get(op.key);
      if (op.type === 'put') {
        const kv: KeyValue = {
          key: b(op.key),
          value: b(op.value),
          createRevision: prev?.createRevision ?? rev,
          modRevision: rev,
          version: (prev?.version ?? 0) + 1,
          lease: 0n,
        };
        this.latest.set(op.key, kv);
        events.push(prev === undefined ? { type: 'put', kv } : { type: 'put', kv, prevKv: prev });
      } else if (prev !== undefined) {
        this.latest.delete(op.key);
        const kv: KeyValue = { key: b(op.key), value: Buffer.alloc(0), createRevision: 0, modRevision: rev, version: 0, lease: 0n };
        events.push({ type: 'delete', kv, prevKv: prev });
      }
    }
    if (events.length > 0) {
      this.rev = rev;
      this.log.push(...events);
    }
    return events;
  }

  put(key: string, value: string): MvccEvent[] {
    return this.txn([{ type: 'put', key, value }]);
  }

  del(key: string): MvccEvent[] {
    return this.txn([{ type: 'delete', key }]);
  }

  compact(rev: number): void {
    this.compacted = Math.max(this.compacted, rev);
  }

  history(q: HistoryQuery): Result<MvccEvent[]> {
    this.historyCalls++;
    if (q.fromRevision < this.compacted) return { ok: false, error: { kind: 'compacted' } };
    const range = keyRangeOf(q.key, q.rangeEnd);
    const out: MvccEvent[] = [];
    for (const ev of this.log) {
      const r = ev.kv.modRevision;
      if (r < q.fromRevision) continue;
      if (r > q.toRevision) break;
      const last = out[out.length - 1];
      if (out.length >= q.limit && last !== undefined && last.kv.modRevision !== r) break;
      if (range !== null && rangeContains(range, ev.kv.key)) out.push(ev);
    }
    return { ok: true, value: out };
  }

  /** Events this watcher must see, as the oracle for tests. */
  expected(key: Buffer, rangeEnd: Buffer, fromRev: number): MvccEvent[] {
    const range = keyRangeOf(key, rangeEnd);
    return this.log.filter((ev) => ev.kv.modRevision >= fromRev && range !== null && rangeContains(range, ev.kv.key));
  }
}

/** Applies ops to the fake store and publishes them to the hub, as the applier does. */
export function write(store: FakeHistory, hub: WatchHub, ops: FakeOp[]): number {
  const events = store.txn(ops);
  hub.publish(events, store.rev);
  return store.rev;
}

/** A consumer that records responses; while `paused`, it takes each response but asks to stop. */
export class Collector {
  readonly responses: WatchResponse[] = [];
  paused = false;
  readonly stream: WatchStream;

  constructor(hub: WatchHub, opts: WatchStreamOptions = {}) {
    this.stream = new WatchStream(hub, (r) => this.onSend(r), opts);
  }

  protected onSend(r: WatchResponse): boolean {
    this.responses.push(r);
    return !this.paused;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.stream.resume();
  }

  /** Responses for one watch ID. */
  of(watchId: number): WatchResponse[] {
    return this.responses.filter((r) => r.watchId === watchId);
  }

  /** Events of one watch ID, fragments merged. */
  eventsOf(watchId: number): MvccEvent[] {
    return this.of(watchId).flatMap((r) => r.events);
  }
}

export function createReq(fields: Partial<WatchCreateRequest> & { key: Buffer }): WatchCreateRequest {
  return {
    rangeEnd: Buffer.alloc(0),
    startRevision: 0,
    progressNotify: false,
    filters: [],
    prevKv: false,
    watchId: 0,
    fragment: false,
    ...fields,
  };
}

/** Polls (through both immediates and timers) until cond holds. */
export async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 1));
  }
}

export const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Compact summary of events for assertions: "put:k@3". */
export function summary(events: MvccEvent[]): string[] {
  return events.map((e) => `${e.type}:${e.kv.key.toString()}@${e.kv.modRevision}`);
}
