// Compaction: what it keeps, what it removes, its errors.
import { describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import type { MvccStore } from './store.js';
import { b, delReq, get, keysOf, memStore, put, rangeReq, unwrap } from '../../test/support/mvcc-kit.js';

/** (rev, sub, key, tombstone) of every version still on disk, in (rev, sub) order. */
function diskRows(db: Database.Database): Array<[number, number, string, number]> {
  return db
    .prepare<[], { rev: number; sub: number; key: Buffer; tombstone: number }>('SELECT rev, sub, key, tombstone FROM kv_history ORDER BY rev, sub')
    .all()
    .map((r) => [r.rev, r.sub, r.key.toString(), r.tombstone]);
}

/** The stored versions once compaction's rows have left the disk too. */
function rows(db: Database.Database, store: MvccStore): Array<[number, number, string, number]> {
  store.removeCompacted(Number.MAX_SAFE_INTEGER);
  return diskRows(db);
}

describe('compact', () => {
  it('keeps each key’s newest version at or below the revision and drops superseded ones', () => {
    const { db, store } = memStore();
    put(store, 'a', '1'); // 2
    put(store, 'a', '2'); // 3
    put(store, 'b', '1'); // 4
    put(store, 'a', '3'); // 5
    const out = unwrap(store.compact(4));
    expect(out).toEqual({ result: null, revision: 5, events: [] });
    expect(store.compactRevision()).toBe(4);
    expect(store.currentRevision()).toBe(5);
    expect(rows(db, store)).toEqual([
      [3, 0, 'a', 0],
      [4, 0, 'b', 0],
      [5, 0, 'a', 0],
    ]);
    // Reads at the compact revision and later are complete.
    expect(get(store, 'a', 4)?.value).toEqual(b('2'));
    expect(get(store, 'b', 4)?.value).toEqual(b('1'));
    expect(get(store, 'a')?.value).toEqual(b('3'));
  });

  it('removes a key’s whole history when its newest version at the revision is a tombstone', () => {
    const { db, store } = memStore();
    put(store, 'gone', '1'); // 2
    put(store, 'gone', '2'); // 3
    unwrap(store.deleteRange(delReq('gone'))); // 4
    put(store, 'stay', '1'); // 5
    unwrap(store.compact(5));
    expect(rows(db, store)).toEqual([[5, 0, 'stay', 0]]);
    expect(keysOf(store, rangeReq('a', 'z', { revision: 5 }))).toEqual(['stay']);
  });

  it('keeps tombstones and history above the compact revision', () => {
    const { db, store } = memStore();
    put(store, 'k', '1'); // 2
    put(store, 'k', '2'); // 3
    unwrap(store.deleteRange(delReq('k'))); // 4
    put(store, 'k', '3'); // 5
    unwrap(store.compact(3));
    expect(rows(db, store)).toEqual([
      [3, 0, 'k', 0],
      [4, 0, 'k', 1],
      [5, 0, 'k', 0],
    ]);
    expect(get(store, 'k', 3)?.value).toEqual(b('2'));
    expect(get(store, 'k', 4)).toBeUndefined();
    expect(get(store, 'k')).toMatchObject({ value: b('3'), version: 1, createRevision: 5 });
  });

  it('compacts at the current revision, even when the newest write was a delete', () => {
    const { db, store } = memStore();
    put(store, 'k', '1'); // 2
    unwrap(store.deleteRange(delReq('k'))); // 3
    unwrap(store.compact(3));
    expect(rows(db, store)).toEqual([]);
    expect(store.currentRevision()).toBe(3);
    expect(put(store, 'k', '2')).toBe(4);
  });

  it('a second compaction only revisits keys written since the first, and keeps earlier survivors', () => {
    const { db, store } = memStore();
    put(store, 'a', '1'); // 2
    put(store, 'b', '1'); // 3
    unwrap(store.compact(3));
    put(store, 'a', '2'); // 4
    put(store, 'c', '1'); // 5
    unwrap(store.deleteRange(delReq('c'))); // 6
    unwrap(store.compact(6));
    expect(rows(db, store)).toEqual([
      [3, 0, 'b', 0],
      [4, 0, 'a', 0],
    ]);
    expect(keysOf(store, rangeReq('a', 'z', { revision: 6 }))).toEqual(['a', 'b']);
  });

  it('keeps the newest sub-revision when a txn wrote a key twice', () => {
    const { db, store } = memStore();
    put(store, 'k', '1'); // 2
    unwrap(
      store.txn({
        compare: [],
        success: [
          { type: 'delete', deleteRange: delReq('k') },
          { type: 'put', put: { key: b('k'), value: b('2'), lease: 0n, prevKv: false, ignoreValue: false, ignoreLease: false } },
        ],
        failure: [],
      }),
    ); // 3: tombstone (3,0), put (3,1)
    unwrap(store.compact(3));
    expect(rows(db, store)).toEqual([[3, 1, 'k', 0]]);
    expect(get(store, 'k', 3)?.value).toEqual(b('2'));
  });

  it('reads, hashes and history are compacted at once; the rows leave the disk in bounded batches', () => {
    const { db, store } = memStore();
    for (let i = 0; i < 10; i++) put(store, 'k', String(i)); // 2..11
    put(store, 'other', 'x'); // 12
    const kept = unwrap(store.hashKV(0));
    unwrap(store.compact(11));
    // The index already answers as compacted; the superseded rows are still on disk.
    expect(diskRows(db)).toHaveLength(11);
    expect(store.range(rangeReq('k', '', { revision: 10 }))).toEqual({ ok: false, error: { kind: 'compacted' } });
    expect(unwrap(store.history({ fromRevision: 11, toRevision: 12, key: b('a'), rangeEnd: b('z'), limit: 0 })).map((e) => e.kv.modRevision)).toEqual([11, 12]);
    const compactedHash = unwrap(store.hashKV(0));
    expect(compactedHash.hash).not.toBe(kept.hash);
    // Three at a time: 9 superseded versions of k need three batches.
    expect(store.removeCompacted(3)).toBe(6);
    expect(diskRows(db)).toHaveLength(8);
    expect(store.removeCompacted(3)).toBe(3);
    expect(store.removeCompacted(3)).toBe(0);
    expect(diskRows(db)).toEqual([
      [11, 0, 'k', 0],
      [12, 0, 'other', 0],
    ]);
    expect(unwrap(store.hashKV(0))).toEqual(compactedHash);
    expect(get(store, 'k')?.value).toEqual(b('9'));
  });

  it('ranges below the compact revision are compacted', () => {
    const { store } = memStore();
    put(store, 'a', '1'); // 2
    put(store, 'a', '2'); // 3
    unwrap(store.compact(3));
    expect(store.range(rangeReq('a', '', { revision: 2 }))).toEqual({ ok: false, error: { kind: 'compacted' } });
    expect(store.range(rangeReq('a', '', { revision: 3 })).ok).toBe(true);
  });

  it('errors: compacted at or below the compact revision, future_rev above current', () => {
    const { store } = memStore();
    put(store, 'a', '1'); // 2
    put(store, 'a', '2'); // 3
    expect(store.compact(4)).toEqual({ ok: false, error: { kind: 'future_rev' } });
    unwrap(store.compact(2));
    expect(store.compact(2)).toEqual({ ok: false, error: { kind: 'compacted' } });
    expect(store.compact(1)).toEqual({ ok: false, error: { kind: 'compacted' } });
    expect(store.compactRevision()).toBe(2);
    unwrap(store.compact(3));
    expect(store.compactRevision()).toBe(3);
  });
});
