import { afterEach, describe, expect, it, vi } from 'vitest';
import { WatchHub, type WatchHubOptions } from './watch-hub.js';
import type { WatchStreamOptions } from './watch-stream.js';
import { CANCEL_REASON, INVALID_WATCH_ID } from './watch-types.js';
import { b, Collector, createReq, FakeHistory, sleep, summary, waitFor, write } from '../../test/support/watch-kit.js';

const hubs: WatchHub[] = [];
const collectors: Collector[] = [];
afterEach(() => {
  for (const c of collectors.splice(0)) c.stream.close();
  for (const h of hubs.splice(0)) h.stop();
});

function setup(hubOpts: WatchHubOptions = {}, streamOpts: WatchStreamOptions = {}) {
  const store = new FakeHistory();
  const hub = new WatchHub(store, hubOpts);
  hub.run();
  hubs.push(hub);
  const c = new Collector(hub, streamOpts);
  collectors.push(c);
  return { store, hub, c, s: c.stream };
}

describe('WatchStream: create and live events', () => {
  it('answers created with the current revision, then streams live events', () => {
    const { store, hub, c, s } = setup();
    write(store, hub, [{ type: 'put', key: 'a', value: '1' }]); // rev 2
    const r = s.create(createReq({ key: b('a') }));
    expect(r).toEqual({ ok: true, value: 0 });
    expect(c.responses[0]).toMatchObject({ watchId: 0, created: true, canceled: false, revision: 2, events: [] });
    write(store, hub, [{ type: 'put', key: 'a', value: '2' }]); // rev 3
    write(store, hub, [{ type: 'put', key: 'b', value: '2' }]); // rev 4, not watched
    write(store, hub, [{ type: 'delete', key: 'a' }]); // rev 5
    expect(c.responses.slice(1).map((x) => [x.revision, summary(x.events)])).toEqual([
      [3, ['put:a@3']],
      [5, ['delete:a@5']],
    ]);
  });

  it('auto-assigns IDs from 0 and skips IDs the client took', () => {
    const { s } = setup();
    expect(s.create(createReq({ key: b('a'), watchId: 1 }))).toEqual({ ok: true, value: 1 });
    expect(s.create(createReq({ key: b('a') }))).toEqual({ ok: true, value: 0 });
    expect(s.create(createReq({ key: b('a') }))).toEqual({ ok: true, value: 2 });
  });

  it('replays history from a start revision, then continues live without gaps', async () => {
    const { store, hub, c, s } = setup({ catchUpReadLimit: 2 });
    for (let i = 0; i < 6; i++) write(store, hub, [{ type: 'put', key: `k${i % 2}`, value: `${i}` }]); // revs 2..7
    s.create(createReq({ key: b('k'), rangeEnd: b('l'), startRevision: 3 }));
    expect(c.responses[0]).toMatchObject({ created: true, revision: 7 });
    await waitFor(() => hub.counts().unsynced === 0);
    write(store, hub, [{ type: 'put', key: 'k9', value: 'x' }]); // rev 8
    expect(summary(c.eventsOf(0))).toEqual(['put:k1@3', 'put:k0@4', 'put:k1@5', 'put:k0@6', 'put:k1@7', 'put:k9@8']);
    // Bounded catch-up: several responses, header revision = what the watcher has observed through.
    const evResps = c.of(0).filter((x) => x.events.length > 0);
    expect(evResps.length).toBeGreaterThan(2);
    for (const x of evResps) expect(x.revision).toBeGreaterThanOrEqual(x.events[x.events.length - 1]!.kv.modRevision);
  });

  it('serves many watchers per stream with single-key, range, prefix and from-key ranges', async () => {
    const { store, hub, c, s } = setup();
    const single = s.create(createReq({ key: b('foo') }));
    const range = s.create(createReq({ key: b('b'), rangeEnd: b('d') }));
    const prefix = s.create(createReq({ key: b('fo'), rangeEnd: b('fp') }));
    const fromKey = s.create(createReq({ key: b('c'), rangeEnd: Buffer.from([0]) }));
    const all = s.create(createReq({ key: Buffer.alloc(0), rangeEnd: Buffer.from([0]) }));
    for (const k of ['a', 'b', 'c', 'd', 'foo', 'fop', 'fp', 'zz']) write(store, hub, [{ type: 'put', key: k, value: 'v' }]);
    const keys = (r: typeof single) => (r.ok ? c.eventsOf(r.value).map((e) => e.kv.key.toString()) : []);
    expect(keys(single)).toEqual(['foo']);
    expect(keys(range)).toEqual(['b', 'c']);
    expect(keys(prefix)).toEqual(['foo', 'fop']);
    expect(keys(fromKey)).toEqual(['c', 'd', 'foo', 'fop', 'fp', 'zz']);
    expect(keys(all)).toEqual(['a', 'b', 'c', 'd', 'foo', 'fop', 'fp', 'zz']);
  });

  it('delivers all events of a multi-op revision in one response', () => {
    const { store, hub, c, s } = setup();
    s.create(createReq({ key: b('a'), rangeEnd: b('z') }));
    write(store, hub, [
      { type: 'put', key: 'a', value: '1' },
      { type: 'put', key: 'b', value: '1' },
      { type: 'put', key: 'c', value: '1' },
    ]);
    const ev = c.of(0).filter((x) => x.events.length > 0);
    expect(ev.length).toBe(1);
    expect(summary(ev[0]!.events)).toEqual(['put:a@2', 'put:b@2', 'put:c@2']);
  });

  it('waits for a future start revision', () => {
    const { store, hub, c, s } = setup();
    s.create(createReq({ key: b('a'), startRevision: 4 }));
    write(store, hub, [{ type: 'put', key: 'a', value: '1' }]); // 2
    write(store, hub, [{ type: 'put', key: 'a', value: '2' }]); // 3
    write(store, hub, [{ type: 'put', key: 'a', value: '3' }]); // 4
    write(store, hub, [{ type: 'put', key: 'a', value: '4' }]); // 5
    expect(summary(c.eventsOf(0))).toEqual(['put:a@4', 'put:a@5']);
  });
});

describe('WatchStream: filters and prev_kv', () => {
  it('applies NOPUT and NODELETE', () => {
    const { store, hub, c, s } = setup();
    s.create(createReq({ key: b('a'), filters: ['noput'] }));
    s.create(createReq({ key: b('a'), filters: ['nodelete'] }));
    write(store, hub, [{ type: 'put', key: 'a', value: '1' }]);
    write(store, hub, [{ type: 'delete', key: 'a' }]);
    expect(summary(c.eventsOf(0))).toEqual(['delete:a@3']);
    expect(summary(c.eventsOf(1))).toEqual(['put:a@2']);
  });

  it('includes prevKv only when asked, live and from history', async () => {
    const { store, hub, c, s } = setup();
    write(store, hub, [{ type: 'put', key: 'a', value: 'v1' }]); // 2
    write(store, hub, [{ type: 'put', key: 'a', value: 'v2' }]); // 3
    s.create(createReq({ key: b('a'), prevKv: true, startRevision: 2 }));
    s.create(createReq({ key: b('a'), startRevision: 2 }));
    await waitFor(() => hub.counts().unsynced === 0);
    write(store, hub, [{ type: 'delete', key: 'a' }]); // 4
    const withPrev = c.eventsOf(0);
    expect(withPrev.map((e) => e.prevKv?.value.toString())).toEqual([undefined, 'v1', 'v2']);
    expect(c.eventsOf(1).every((e) => e.prevKv === undefined)).toBe(true);
    expect(c.eventsOf(1).length).toBe(3);
    // Events are shared between watchers: stripping must not have mutated the store's copy.
    expect(store.log[1]!.prevKv?.value.toString()).toBe('v1');
  });
});

describe('WatchStream: errors, cancel, compaction', () => {
  it('rejects a duplicate watch ID as etcd does (created+canceled, ID -1)', () => {
    const { c, s } = setup();
    expect(s.create(createReq({ key: b('a'), watchId: 7 })).ok).toBe(true);
    expect(s.create(createReq({ key: b('b'), watchId: 7 }))).toEqual({ ok: false, error: { kind: 'duplicate_id' } });
    expect(c.responses[1]).toMatchObject({
      watchId: INVALID_WATCH_ID,
      created: true,
      canceled: true,
      cancelReason: 'mvcc: duplicate watch ID provided on the WatchStream',
    });
  });

  it('rejects an empty range and a negative start revision', () => {
    const { c, s } = setup();
    expect(s.create(createReq({ key: b('b'), rangeEnd: b('a') })).ok).toBe(false);
    expect(s.create(createReq({ key: b('a'), startRevision: -1 })).ok).toBe(false);
    expect(c.responses.map((r) => [r.watchId, r.created, r.canceled, r.cancelReason])).toEqual([
      [-1, true, true, CANCEL_REASON.empty_range],
      [-1, true, true, CANCEL_REASON.compacted],
    ]);
  });

  it('cancels: canceled response, no more events; unknown ID gets no response', () => {
    const { store, hub, c, s } = setup();
    s.create(createReq({ key: b('a') }));
    write(store, hub, [{ type: 'put', key: 'a', value: '1' }]);
    expect(s.cancel(0)).toBe(true);
    expect(c.responses[c.responses.length - 1]).toMatchObject({ watchId: 0, canceled: true, created: false, revision: 2 });
    const n = c.responses.length;
    write(store, hub, [{ type: 'put', key: 'a', value: '2' }]);
    expect(s.cancel(0)).toBe(false);
    expect(s.cancel(42)).toBe(false);
    expect(c.responses.length).toBe(n);
    expect(hub.counts()).toEqual({ synced: 0, unsynced: 0 });
  });

  it('a compacted start revision: created, then canceled with compact_revision, watcher removed', async () => {
    const { store, hub, c, s } = setup();
    for (let i = 0; i < 5; i++) write(store, hub, [{ type: 'put', key: 'a', value: `${i}` }]); // 2..6
    store.compact(5);
    expect(s.create(createReq({ key: b('a'), startRevision: 3 }))).toEqual({ ok: true, value: 0 });
    await waitFor(() => c.responses.length === 2);
    expect(c.responses).toMatchObject([
      { watchId: 0, created: true, canceled: false, revision: 6 },
      { watchId: 0, created: false, canceled: true, compactRevision: 5, cancelReason: '', events: [] },
    ]);
    expect(hub.counts()).toEqual({ synced: 0, unsynced: 0 });
    // As in etcd, the ID stays taken until the client cancels it.
    expect(s.create(createReq({ key: b('a'), watchId: 0 })).ok).toBe(true); // 0 = auto: gets 1
    expect(s.cancel(0)).toBe(true);
  });

  it('a start revision equal to the compact revision is still served', async () => {
    const { store, hub, c, s } = setup();
    for (let i = 0; i < 5; i++) write(store, hub, [{ type: 'put', key: 'a', value: `${i}` }]); // 2..6
    store.compact(5);
    s.create(createReq({ key: b('a'), startRevision: 5 }));
    await waitFor(() => hub.counts().unsynced === 0);
    expect(summary(c.eventsOf(0))).toEqual(['put:a@5', 'put:a@6']);
  });
});

describe('WatchStream: slow consumers', () => {
  it('never blocks publish; a backed-up watcher is re-fed from history in order', async () => {
    const { store, hub, c, s } = setup({ maxPendingEvents: 3, catchUpReadLimit: 4 });
    s.create(createReq({ key: b('k'), rangeEnd: b('l') }));
    s.create(createReq({ key: b('other') }));
    c.pause();
    for (let i = 0; i < 50; i++) write(store, hub, [{ type: 'put', key: `k${i % 3}`, value: `${i}` }]);
    // The consumer took the first event and asked to stop (2 created + 1 event); only a bounded
    // backlog was queued and the watcher left the synced set.
    expect(c.responses.length).toBe(3);
    expect(s['outbox'].pending(0)).toBe(3);
    expect(hub.counts()).toEqual({ synced: 1, unsynced: 1 });
    await sleep(20);
    expect(c.responses.length).toBe(3); // catch-up waits for the consumer
    c.resume();
    await waitFor(() => hub.counts().unsynced === 0);
    write(store, hub, [{ type: 'put', key: 'k9', value: 'last' }]);
    const revs = c.eventsOf(0).map((e) => e.kv.modRevision);
    expect(revs).toEqual(Array.from({ length: 51 }, (_, i) => i + 2));
  });

  it('a watcher that falls behind past a compaction gets compact_revision + cancel', async () => {
    const { store, hub, c, s } = setup({ maxPendingEvents: 2 });
    s.create(createReq({ key: b('a') }));
    c.pause();
    for (let i = 0; i < 10; i++) write(store, hub, [{ type: 'put', key: 'a', value: `${i}` }]); // 2..11
    store.compact(8);
    c.resume();
    await waitFor(() => c.of(0).some((r) => r.canceled));
    const resps = c.of(0);
    const last = resps[resps.length - 1]!;
    expect(last).toMatchObject({ canceled: true, compactRevision: 8 });
    const revs = c.eventsOf(0).map((e) => e.kv.modRevision);
    expect(revs).toEqual(revs.map((_, i) => i + 2)); // a gapless prefix
    expect(revs[revs.length - 1]! + 1).toBeLessThan(8);
    expect(hub.counts()).toEqual({ synced: 0, unsynced: 0 });
  });
});

describe('WatchStream: fragmenting', () => {
  it('splits a large response when the watcher asked, marking all but the last', async () => {
    const { store, hub, c, s } = setup({}, { maxResponseBytes: 1000 });
    const ops = Array.from({ length: 12 }, (_, i) => ({ type: 'put' as const, key: `k${i}`, value: 'x'.repeat(200) }));
    write(store, hub, ops); // one revision, ~12 * 250 bytes
    s.create(createReq({ key: b('k'), rangeEnd: b('l'), startRevision: 2, fragment: true }));
    s.create(createReq({ key: b('k'), rangeEnd: b('l'), startRevision: 2 }));
    await waitFor(() => hub.counts().unsynced === 0);
    const frag = c.of(0).filter((r) => !r.created);
    expect(frag.length).toBeGreaterThan(2);
    expect(frag.map((r) => r.fragment)).toEqual(frag.map((_, i) => i < frag.length - 1));
    expect(frag.flatMap((r) => r.events).length).toBe(12);
    expect(new Set(frag.map((r) => r.revision)).size).toBe(1);
    const whole = c.of(1).filter((r) => !r.created);
    expect(whole.length).toBe(1);
    expect(whole[0]!.events.length).toBe(12);
    expect(whole[0]!.fragment).toBe(false);
    // Live events fragment too.
    write(store, hub, ops);
    expect(c.of(0).filter((r) => r.events.some((e) => e.kv.modRevision === 3)).length).toBeGreaterThan(2);
  });
});

describe('WatchStream: progress', () => {
  it('progress_notify: idle synced watchers get an empty response with the current revision', async () => {
    const { store, hub, c, s } = setup({}, { progressIntervalMs: 50 });
    write(store, hub, [{ type: 'put', key: 'a', value: '1' }]); // 2
    s.create(createReq({ key: b('a'), progressNotify: true }));
    s.create(createReq({ key: b('b') })); // not asking for progress
    await waitFor(() => c.of(0).length >= 2, 2000);
    expect(c.of(0)[1]).toMatchObject({ watchId: 0, created: false, canceled: false, events: [], revision: 2 });
    expect(c.of(1).length).toBe(1);
  });

  it('progress_notify is elided for an interval in which events were sent', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const { store, hub, c, s } = setup({}, { progressIntervalMs: 50 }); // ticks every 50..55 ms
      s.create(createReq({ key: b('a'), progressNotify: true }));
      write(store, hub, [{ type: 'put', key: 'a', value: 'x' }]); // 2
      vi.advanceTimersByTime(56); // tick 1: an event went out since creation, no progress
      expect(c.of(0).map((r) => r.events.length)).toEqual([0, 1]);
      vi.advanceTimersByTime(56); // tick 2: idle for a whole interval
      expect(c.of(0)[2]).toMatchObject({ watchId: 0, events: [], revision: 2 });
      write(store, hub, [{ type: 'put', key: 'a', value: 'y' }]); // 3
      vi.advanceTimersByTime(56);
      expect(c.of(0).length).toBe(4);
      vi.advanceTimersByTime(56);
      expect(c.of(0)[4]).toMatchObject({ events: [], revision: 3 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('progress_notify is not sent while the watcher is unsynced', async () => {
    const { store, hub, c, s } = setup({}, { progressIntervalMs: 50 });
    hub.stop(); // keep the historical watcher unsynced
    write(store, hub, [{ type: 'put', key: 'a', value: '1' }]);
    s.create(createReq({ key: b('a'), startRevision: 1, progressNotify: true }));
    await sleep(150);
    expect(c.of(0).length).toBe(1);
  });

  it('requestProgress: ID -1 and the current revision when all watchers are synced, else nothing', async () => {
    const { store, hub, c, s } = setup();
    s.requestProgress();
    expect(c.responses).toEqual([]); // no watchers: nothing (etcd 3.4)
    write(store, hub, [{ type: 'put', key: 'a', value: '1' }]); // 2
    s.create(createReq({ key: b('a') }));
    s.requestProgress();
    expect(c.responses[1]).toMatchObject({ watchId: -1, created: false, canceled: false, events: [], revision: 2 });

    hub.stop();
    s.create(createReq({ key: b('a'), startRevision: 1 })); // unsynced until the hub runs
    s.requestProgress();
    expect(c.responses.length).toBe(3);
    hub.run();
    await waitFor(() => hub.counts().unsynced === 0);
    s.requestProgress();
    expect(c.responses[c.responses.length - 1]).toMatchObject({ watchId: -1, revision: 2, events: [] });

    s.create(createReq({ key: b('a'), startRevision: 10 })); // future start: not progressed yet
    const n = c.responses.length;
    s.requestProgress();
    expect(c.responses.length).toBe(n);
  });

  it('close() cancels all watchers and sends nothing more', () => {
    const { store, hub, c, s } = setup();
    s.create(createReq({ key: b('a') }));
    s.create(createReq({ key: b('b'), startRevision: 1 }));
    s.close();
    write(store, hub, [{ type: 'put', key: 'a', value: '1' }]);
    expect(c.responses.length).toBe(2);
    expect(hub.counts()).toEqual({ synced: 0, unsynced: 0 });
    expect(s.create(createReq({ key: b('a') }))).toEqual({ ok: false, error: { kind: 'closed' } });
  });
});
