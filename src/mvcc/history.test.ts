// history(): the events a watcher catches up from.
import { describe, expect, it } from 'vitest';
import type { MvccStore } from './store.js';
import type { HistoryRequest, MvccEvent } from './types.js';
import { b, delReq, memStore, op, put, putReq, txnReq, unwrap } from '../../test/support/mvcc-kit.js';

function q(o: Partial<HistoryRequest> = {}): HistoryRequest {
  return { fromRevision: 1, toRevision: 1000, key: Buffer.from([0]), rangeEnd: Buffer.from([0]), limit: 0, ...o };
}

const brief = (events: MvccEvent[]) =>
  events.map((e) => [e.type, e.kv.key.toString(), e.kv.modRevision, e.prevKv ? `${e.prevKv.value.toString()}@${e.prevKv.modRevision}` : null]);

function fixture(): MvccStore {
  const { store } = memStore();
  put(store, 'a', '1'); // 2
  put(store, 'b', '1'); // 3
  put(store, 'a', '2'); // 4
  unwrap(store.txn(txnReq([], [op.del(delReq('a')), op.put(putReq('c', '1')), op.put(putReq('b', '2'))]))); // 5
  put(store, 'a', '3'); // 6
  return store;
}

describe('history', () => {
  it('returns events in (revision, sub) order with prevKv when the previous version was live', () => {
    const store = fixture();
    expect(brief(unwrap(store.history(q())))).toEqual([
      ['put', 'a', 2, null],
      ['put', 'b', 3, null],
      ['put', 'a', 4, '1@2'],
      ['delete', 'a', 5, '2@4'],
      ['put', 'c', 5, null],
      ['put', 'b', 5, '1@3'],
      // A new generation after a delete has no prevKv.
      ['put', 'a', 6, null],
    ]);
  });

  it('delete events carry only the key and revision', () => {
    const store = fixture();
    const del = unwrap(store.history(q({ fromRevision: 5, toRevision: 5, key: b('a') })))[0];
    expect(del?.kv).toEqual({ key: b('a'), value: Buffer.alloc(0), createRevision: 0, modRevision: 5, version: 0, lease: 0n });
  });

  it('matches the events of the live writes', () => {
    const { store } = memStore();
    const live: MvccEvent[] = [];
    live.push(...unwrap(store.put(putReq('x', '1'))).events);
    live.push(...unwrap(store.put(putReq('x', '2'))).events);
    live.push(...unwrap(store.txn(txnReq([], [op.put(putReq('y', '1')), op.del(delReq('x'))]))).events);
    expect(unwrap(store.history(q()))).toEqual(live);
  });

  it('filters by revision bounds and key range', () => {
    const store = fixture();
    expect(brief(unwrap(store.history(q({ fromRevision: 4, toRevision: 5 }))))).toEqual([
      ['put', 'a', 4, '1@2'],
      ['delete', 'a', 5, '2@4'],
      ['put', 'c', 5, null],
      ['put', 'b', 5, '1@3'],
    ]);
    expect(brief(unwrap(store.history(q({ key: b('a'), rangeEnd: Buffer.alloc(0) }))))).toEqual([
      ['put', 'a', 2, null],
      ['put', 'a', 4, '1@2'],
      ['delete', 'a', 5, '2@4'],
      ['put', 'a', 6, null],
    ]);
    expect(brief(unwrap(store.history(q({ key: b('b'), rangeEnd: b('d'), fromRevision: 5 }))))).toEqual([
      ['put', 'c', 5, null],
      ['put', 'b', 5, '1@3'],
    ]);
    expect(unwrap(store.history(q({ fromRevision: 7 })))).toEqual([]);
  });

  it('limit caps events but never splits a revision', () => {
    const store = fixture();
    expect(brief(unwrap(store.history(q({ limit: 3 }))))).toHaveLength(3);
    // The 4th event starts revision 5 (three events): all of it comes back.
    expect(brief(unwrap(store.history(q({ limit: 4 }))))).toEqual([
      ['put', 'a', 2, null],
      ['put', 'b', 3, null],
      ['put', 'a', 4, '1@2'],
      ['delete', 'a', 5, '2@4'],
      ['put', 'c', 5, null],
      ['put', 'b', 5, '1@3'],
    ]);
    expect(unwrap(store.history(q({ limit: 1, fromRevision: 5 })))).toHaveLength(3);
    expect(unwrap(store.history(q({ limit: 0 })))).toHaveLength(7);
  });

  it('is compacted below the compact revision; from exactly the compact revision is allowed', () => {
    const store = fixture();
    unwrap(store.compact(4));
    expect(store.history(q({ fromRevision: 3 }))).toEqual({ ok: false, error: { kind: 'compacted' } });
    expect(store.history(q({ fromRevision: 1 }))).toEqual({ ok: false, error: { kind: 'compacted' } });
    // Revision 4's surviving row (a=2, the newest version of a) is still there;
    // its predecessor was compacted away, so no prevKv (etcd could not read it either).
    expect(brief(unwrap(store.history(q({ fromRevision: 4 }))))).toEqual([
      ['put', 'a', 4, null],
      ['delete', 'a', 5, '2@4'],
      ['put', 'c', 5, null],
      ['put', 'b', 5, '1@3'],
      ['put', 'a', 6, null],
    ]);
  });
});
