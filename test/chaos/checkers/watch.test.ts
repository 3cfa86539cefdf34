import { describe, expect, it } from 'vitest';
import type { WatchEvent, WatchObservation } from '../history.js';
import type { KnownMutation } from './mutations.js';
import { checkWatches } from './watch.js';

const put = (rev: number, key: string, value: string, x: Partial<WatchEvent> = {}): WatchEvent => ({ revision: String(rev), key, type: 'put', value, ...x });
const del = (rev: number, key: string, x: Partial<WatchEvent> = {}): WatchEvent => ({ revision: String(rev), key, type: 'delete', ...x });
const obs = (watcher: string, start: number, end: number, events: WatchEvent[], x: Partial<WatchObservation> = {}): WatchObservation => ({
  watcher,
  key: 'p/',
  prefix: true,
  startRevision: String(start),
  endRevision: String(end),
  events,
  ...x,
});
const okPut = (rev: number, key: string, value: string): KnownMutation => ({ key, type: 'put', value, revision: rev, outcome: 'ok', source: `write@${rev}` });

const stream = [put(2, 'p/a', 'a1'), put(3, 'p/b', 'b1'), del(4, 'p/a'), put(5, 'p/a', 'a2')];

describe('watch checker', () => {
  it('accepts agreeing observers that match the writes', () => {
    const res = checkWatches([obs('w1', 2, 5, stream), obs('w2', 3, 5, stream.slice(1)), obs('w3', 1, 4, stream.slice(0, 3))], {
      mutations: [okPut(2, 'p/a', 'a1'), okPut(5, 'p/a', 'a2'), okPut(9, 'other', 'x')],
    });
    expect(res.errors).toEqual([]);
    expect(res.valid).toBe(true);
    expect(res.stats).toMatchObject({ watchers: 3, segments: 3, events: 10, knownChanges: 5 });
  });

  it('rejects a gap another observer proves', () => {
    const res = checkWatches([obs('w1', 2, 5, stream), obs('w2', 2, 5, [stream[0]!, stream[1]!, stream[3]!])]);
    expect(res.valid).toBe(false);
    expect(res.errors[0]).toMatch(/watcher w2 segment 1 \(revisions 2\.\.5\) missed 1 change.*delete "p\/a" at revision 4 \(known from watcher w1/);
  });

  it('rejects a gap the write history proves', () => {
    const res = checkWatches([obs('w1', 2, 6, stream)], { mutations: [okPut(6, 'p/c', 'c1')] });
    expect(res.valid).toBe(false);
    expect(res.errors[0]).toMatch(/missed 1 change.*put "p\/c"="c1" at revision 6 \(known from write@6\)/);
  });

  it('does not ask for changes outside the range or the revisions covered', () => {
    const res = checkWatches([obs('w1', 2, 5, stream)], { mutations: [okPut(6, 'p/c', 'c1'), okPut(1, 'p/c', 'c0'), okPut(7, 'q/x', 'x')] });
    expect(res.valid).toBe(true);
  });

  it('rejects duplicates, reordering, events before the start and outside the range', () => {
    expect(checkWatches([obs('w1', 2, 5, [stream[0]!, stream[0]!])]).errors.join('\n')).toMatch(/delivered twice/);
    expect(checkWatches([obs('w1', 2, 5, [stream[1]!, stream[0]!])]).errors.join('\n')).toMatch(/out of order/);
    expect(checkWatches([obs('w1', 3, 5, stream)]).errors.join('\n')).toMatch(/before the watch's start revision 3/);
    expect(checkWatches([obs('w1', 2, 5, [put(2, 'q/x', 'x')])]).errors.join('\n')).toMatch(/outside the watched range/);
  });

  it('rejects observers that disagree, or disagree with the writes', () => {
    const a = checkWatches([obs('w1', 2, 5, stream), obs('w2', 2, 5, [stream[0]!, put(3, 'p/b', 'WRONG'), stream[2]!, stream[3]!])]);
    expect(a.valid).toBe(false);
    expect(a.errors.join('\n')).toMatch(/put "p\/b"="WRONG" at revision 3 disagrees with watcher w1 segment 0, which has put "p\/b"="b1"/);
    const b = checkWatches([obs('w1', 2, 5, stream)], { mutations: [okPut(3, 'p/b', 'b-acked')] });
    expect(b.errors.join('\n')).toMatch(/disagrees with write@3/);
  });

  it('rejects another key at a revision a single-key write owns', () => {
    const res = checkWatches([obs('w1', 2, 5, [put(2, 'p/a', 'a1'), put(2, 'p/z', 'z')])], { mutations: [okPut(2, 'p/a', 'a1')] });
    expect(res.errors.join('\n')).toMatch(/revision 2 is write@2 \(put "p\/a"="a1"\), a write of a single key/);
  });

  it('accepts a watcher resumed at last seen + 1, including empty segments', () => {
    const res = checkWatches([
      obs('w1', 2, 3, stream.slice(0, 2), { segment: 0 }),
      obs('w1', 4, 3, [], { segment: 1 }),
      obs('w1', 4, 5, stream.slice(2), { segment: 2 }),
      obs('w2', 2, 5, stream),
    ]);
    expect(res.errors).toEqual([]);
    expect(res.valid).toBe(true);
  });

  it('rejects a watcher resumed past what it had seen', () => {
    const res = checkWatches([obs('w1', 2, 3, stream.slice(0, 2), { segment: 0 }), obs('w1', 5, 5, stream.slice(3), { segment: 1 }), obs('w2', 2, 5, stream)]);
    expect(res.valid).toBe(false);
    expect(res.errors.join('\n')).toMatch(/watcher w1 resumed at revision 5 .* delivered through 3: revisions 4\.\.4 were never watched \(1 known change\(s\) there lost\)/);
  });

  it('checks prev_kv, version and create_revision along the stream', () => {
    const good = [
      put(2, 'p/a', 'a1', { version: '1', createRevision: '2', prevValue: null }),
      put(3, 'p/a', 'a2', { version: '2', createRevision: '2', prevValue: 'a1' }),
      del(4, 'p/a', { prevValue: 'a2' }),
      put(5, 'p/a', 'a3', { version: '1', createRevision: '5', prevValue: null }),
    ];
    expect(checkWatches([obs('w1', 2, 5, good)]).errors).toEqual([]);
    const bad = (i: number, e: WatchEvent): string => {
      const evs = [...good];
      evs[i] = e;
      return checkWatches([obs('w1', 2, 5, evs)]).errors.join('\n');
    };
    expect(bad(1, put(3, 'p/a', 'a2', { version: '2', createRevision: '2', prevValue: 'zz' }))).toMatch(/prev_kv "zz", but the previous event of that key \(revision 2\) left "a1"/);
    expect(bad(2, del(4, 'p/a', { prevValue: null }))).toMatch(/a delete event always has one/);
    expect(bad(1, put(3, 'p/a', 'a2', { version: '3', createRevision: '2', prevValue: 'a1' }))).toMatch(/version 3 after version 1/);
    expect(bad(3, put(5, 'p/a', 'a3', { version: '2', createRevision: '2', prevValue: null }))).toMatch(/recreates the key deleted at revision 4 but has version 2/);
    expect(bad(0, put(2, 'p/a', 'a1', { version: '1', createRevision: '1', prevValue: null }))).toMatch(/version 1 but create_revision 1/);
  });
});
