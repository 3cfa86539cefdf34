import { afterEach, describe, expect, it } from 'vitest';
import type { MvccEvent } from '../mvcc/types.js';
import type { WatchFilter } from './event-filter.js';
import { WatchHub } from './watch-hub.js';
import { mulberry32 as prng } from '../util/mulberry32.js';
import { b, Collector, createReq, FakeHistory, tick, waitFor, write, type FakeOp } from '../../test/support/watch-kit.js';

const hubs: WatchHub[] = [];
afterEach(() => {
  for (const h of hubs.splice(0)) h.stop();
});

interface Spec {
  c: Collector;
  id: number;
  key: Buffer;
  rangeEnd: Buffer;
  from: number; // effective first revision
  filters: WatchFilter[];
  prevKv: boolean;
}

const RANGES: Array<[string, Buffer]> = [
  ['k3', Buffer.alloc(0)], // single key
  ['k', b('l')], // prefix
  ['k5', Buffer.from([0])], // from key
  ['k2', b('k6')], // range
  ['', Buffer.from([0])], // everything
];

function expectedFor(store: FakeHistory, w: Spec): MvccEvent[] {
  return store
    .expected(w.key, w.rangeEnd, w.from)
    .filter((e) => !(e.type === 'put' ? w.filters.includes('noput') : w.filters.includes('nodelete')));
}

const fmt = (e: MvccEvent) => `${e.type}:${e.kv.key.toString()}@${e.kv.modRevision}:${e.prevKv ? 'p' : '-'}`;

async function scenario(seed: number, compaction: boolean): Promise<number> {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const store = new FakeHistory();
  const hub = new WatchHub(store, { maxPendingEvents: 4, catchUpReadLimit: 3, catchUpWatchersPerTick: 2, retryIntervalMs: 2 });
  hubs.push(hub);
  hub.run();
  const streams = [0, 1, 2].map(() => new Collector(hub, { maxResponseBytes: 300 }));
  const watchers: Spec[] = [];

  for (let step = 0; step < 600; step++) {
    const a = rnd();
    if (a < 0.45) {
      const n = 1 + Math.floor(rnd() * 3);
      const keys = new Set<string>();
      for (let i = 0; i < n; i++) keys.add(`k${Math.floor(rnd() * 8)}`);
      const ops: FakeOp[] = [...keys].map((key) => (rnd() < 0.75 ? { type: 'put', key, value: `v${step}` } : { type: 'delete', key }));
      write(store, hub, ops);
    } else if (a < 0.55 && watchers.length < 40) {
      const c = pick(streams);
      const [key, rangeEnd] = pick(RANGES);
      const r = rnd();
      const cur = hub.revision();
      const oldest = Math.max(1, store.compacted);
      const startRevision =
        r < 0.3 ? 0 : r < 0.85 ? oldest + Math.floor(rnd() * (cur - oldest + 1)) : cur + 1 + Math.floor(rnd() * 5);
      const filters: WatchFilter[] = rnd() < 0.15 ? ['noput'] : rnd() < 0.15 ? ['nodelete'] : [];
      const prevKv = rnd() < 0.5;
      const res = c.stream.create(createReq({ key: b(key), rangeEnd, startRevision, filters, prevKv, fragment: rnd() < 0.5 }));
      if (!res.ok) throw new Error('create failed');
      watchers.push({ c, id: res.value, key: b(key), rangeEnd, from: startRevision === 0 ? cur + 1 : startRevision, filters, prevKv });
    } else if (a < 0.65) {
      const c = pick(streams);
      if (c.paused) c.resume();
      else c.pause();
    } else if (a < 0.655 && compaction) {
      // Compact somewhere below the head; lagging watchers may be canceled for it.
      store.compact(Math.max(store.compacted, store.rev - 5 - Math.floor(rnd() * 20)));
    } else {
      await tick(); // let the catch-up loop interleave with writes
    }
  }

  for (const c of streams) c.resume();
  await waitFor(() => hub.counts().unsynced === 0 && streams.every((c) => c.stream['outbox'].isEmpty()));
  write(store, hub, [{ type: 'put', key: 'k0', value: 'final' }]);

  let compactedCount = 0;
  for (const w of watchers) {
    const resps = w.c.of(w.id);
    expect(resps[0]!.created).toBe(true);
    const body = resps.slice(1);
    const cancelAt = body.findIndex((r) => r.canceled);
    const events = body.flatMap((r) => r.events);
    const want = expectedFor(store, w).map((e) => (w.prevKv ? e : { type: e.type, kv: e.kv }));
    if (cancelAt >= 0) {
      // Canceled for compaction: a gapless prefix, then nothing more.
      compactedCount++;
      expect(cancelAt).toBe(body.length - 1);
      const cr = body[cancelAt]!.compactRevision;
      expect(cr).toBeGreaterThan(0);
      expect(events.map(fmt)).toEqual(want.slice(0, events.length).map(fmt));
      // Only a watcher whose position fell below the compaction may be canceled for it.
      const lastSeen = events[events.length - 1];
      expect(lastSeen === undefined ? w.from : lastSeen.kv.modRevision + 1).toBeLessThan(cr);
    } else {
      expect(events.map(fmt)).toEqual(want.map(fmt));
    }
    // Strictly increasing across responses; a revision only spans responses through fragments.
    let lastRev = 0;
    let openFragment = false;
    for (const r of body) {
      if (r.events.length === 0) continue;
      const first = r.events[0]!.kv.modRevision;
      const last = r.events[r.events.length - 1]!.kv.modRevision;
      if (openFragment) expect(first).toBeGreaterThanOrEqual(lastRev);
      else expect(first).toBeGreaterThan(lastRev);
      expect(r.revision).toBeGreaterThanOrEqual(last);
      lastRev = last;
      openFragment = r.fragment;
    }
    expect(openFragment).toBe(false);
  }
  for (const c of streams) c.stream.close();
  expect(hub.counts()).toEqual({ synced: 0, unsynced: 0 });
  return compactedCount;
}

describe('WatchHub: catch-up racing concurrent publishes (randomized)', () => {
  for (const seed of [1, 2, 3, 42, 1234, 99991]) {
    it(`seed ${seed}: every watcher sees each matching revision exactly once, in order`, async () => {
      expect(await scenario(seed, false)).toBe(0);
    });
  }
  for (const seed of [7, 9, 10, 11]) {
    it(`seed ${seed} with compactions: each watcher gets a gapless prefix, then compact_revision`, async () => {
      expect(await scenario(seed, true)).toBeGreaterThan(0);
    });
  }
});

describe('WatchHub: edge cases', () => {
  it('a sink publishing from inside deliver keeps revision order', () => {
    const store = new FakeHistory();
    const hub = new WatchHub(store);
    hubs.push(hub);
    const seen: number[] = [];
    let nested = false;
    hub.watch(
      { range: { kind: 'single', key: b('a') }, startRevision: 0, filter: { noPut: false, noDelete: false, prevKv: false } },
      {
        deliver: (evs) => {
          seen.push(...evs.map((e) => e.kv.modRevision));
          if (!nested) {
            nested = true;
            write(store, hub, [{ type: 'put', key: 'a', value: 'inner' }]);
          }
        },
        compacted: () => {},
        pendingEvents: () => 0,
      },
    );
    const seen2: number[] = [];
    hub.watch(
      { range: { kind: 'single', key: b('a') }, startRevision: 0, filter: { noPut: false, noDelete: false, prevKv: false } },
      { deliver: (evs) => seen2.push(...evs.map((e) => e.kv.modRevision)), compacted: () => {}, pendingEvents: () => 0 },
    );
    write(store, hub, [{ type: 'put', key: 'a', value: 'outer' }]);
    expect(seen).toEqual([2, 3]);
    expect(seen2).toEqual([2, 3]);
  });

  it('resync() after a snapshot install re-reads the unpublished revisions', async () => {
    const store = new FakeHistory();
    const hub = new WatchHub(store);
    hubs.push(hub);
    hub.run();
    const c = new Collector(hub);
    c.stream.create(createReq({ key: b('a') }));
    write(store, hub, [{ type: 'put', key: 'a', value: '1' }]); // 2, published
    store.put('a', '2'); // 3, arrives with the snapshot: never published
    store.put('a', '3'); // 4
    hub.resync();
    expect(hub.revision()).toBe(4);
    await waitFor(() => hub.counts().unsynced === 0);
    write(store, hub, [{ type: 'put', key: 'a', value: '4' }]); // 5
    expect(c.eventsOf(0).map((e) => e.kv.modRevision)).toEqual([2, 3, 4, 5]);
    c.stream.close();
  });

  it('a publish that lands between the store commit and catch-up is not delivered twice', async () => {
    const store = new FakeHistory();
    const hub = new WatchHub(store, { catchUpReadLimit: 100 });
    hubs.push(hub);
    const c = new Collector(hub);
    write(store, hub, [{ type: 'put', key: 'a', value: '1' }]); // 2
    c.stream.create(createReq({ key: b('a'), startRevision: 1 }));
    hub.run();
    await waitFor(() => hub.counts().unsynced === 0);
    for (let i = 0; i < 5; i++) write(store, hub, [{ type: 'put', key: 'a', value: `${i}` }]);
    // Re-publishing an old batch (e.g. a duplicate from the applier) must not duplicate events.
    hub.publish(store.log.slice(1, 3), 4);
    expect(c.eventsOf(0).map((e) => e.kv.modRevision)).toEqual([2, 3, 4, 5, 6, 7]);
    c.stream.close();
  });
});
