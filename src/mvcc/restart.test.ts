// Reopening the same database file: revisions, compaction and data survive.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MvccStore } from './store.js';
import { b, delReq, FakeLeases, get, keysOf, openDb, put, rangeReq, tempDir, unwrap } from '../../test/support/mvcc-kit.js';

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

function file(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return join(t.dir, 'kv.db');
}

describe('restart', () => {
  it('keeps revisions, compact revision, history and leases', () => {
    const path = file();
    const leases = new FakeLeases(8n);
    const db1 = openDb(path);
    const s1 = new MvccStore(db1, leases);
    put(s1, 'a', '1', { lease: 8n }); // 2
    put(s1, 'a', '2', { lease: 8n }); // 3
    put(s1, 'b', '1'); // 4
    put(s1, 'b', '2'); // 5
    unwrap(s1.compact(4));
    put(s1, 'c', '1'); // 6
    unwrap(s1.deleteRange(delReq('c'))); // 7: the last write is a delete
    const hash = s1.hash();
    const hashKV = unwrap(s1.hashKV(0));
    s1.flush();
    db1.close();

    const db2 = openDb(path);
    const s2 = new MvccStore(db2, leases);
    expect(s2.currentRevision()).toBe(7);
    expect(s2.compactRevision()).toBe(4);
    expect(s2.hash()).toBe(hash);
    expect(unwrap(s2.hashKV(0))).toEqual(hashKV);
    expect(get(s2, 'a')).toEqual({ key: b('a'), value: b('2'), createRevision: 2, modRevision: 3, version: 2, lease: 8n });
    expect(get(s2, 'b', 4)?.value).toEqual(b('1'));
    expect(keysOf(s2, rangeReq('a', 'z'))).toEqual(['a', 'b']);
    expect(s2.range(rangeReq('a', '', { revision: 3 }))).toEqual({ ok: false, error: { kind: 'compacted' } });
    expect(s2.leaseKeys(8n)).toEqual([b('a')]);
    expect(s2.keyCount()).toBe(2);
    // Writing continues from the persisted revision.
    expect(put(s2, 'c', '2')).toBe(8);
    expect(get(s2, 'c')).toMatchObject({ version: 1, createRevision: 8 });
    db2.close();
  });

  it('keeps the current revision when compaction removed every row', () => {
    const path = file();
    const db1 = openDb(path);
    const s1 = new MvccStore(db1, new FakeLeases());
    put(s1, 'k', '1'); // 2
    unwrap(s1.deleteRange(delReq('k'))); // 3
    unwrap(s1.compact(3));
    s1.flush();
    db1.close();
    const db2 = openDb(path);
    const s2 = new MvccStore(db2, new FakeLeases());
    expect(s2.currentRevision()).toBe(3);
    expect(s2.compactRevision()).toBe(3);
    expect(put(s2, 'k', '2')).toBe(4);
    db2.close();
  });

  it('finishes removing a compaction’s rows that a restart interrupted', () => {
    const path = file();
    const db1 = openDb(path);
    const s1 = new MvccStore(db1, new FakeLeases());
    for (let i = 0; i < 5; i++) put(s1, 'k', String(i)); // 2..6
    unwrap(s1.compact(6));
    expect(s1.removeCompacted(2)).toBe(2);
    s1.flush();
    db1.close();
    const db2 = openDb(path);
    const s2 = new MvccStore(db2, new FakeLeases());
    expect(s2.removeCompacted(100)).toBe(0);
    expect(db2.prepare('SELECT rev FROM kv_history').pluck().all()).toEqual([6]);
    expect(get(s2, 'k')?.value).toEqual(b('4'));
    db2.close();
  });
});
