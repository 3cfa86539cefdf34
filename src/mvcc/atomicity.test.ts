// Savepoints inside a caller's transaction, and the schema's query plans.
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { MvccStore } from './store.js';
import { b, delReq, FakeLeases, get, memStore, op, openDb, put, putReq, rangeReq, txnReq, unwrap } from './testkit.js';

describe('atomicity inside an outer transaction', () => {
  it('a failing write rolls back only itself; the batch goes on', () => {
    const { db, store } = memStore(new FakeLeases());
    put(store, 'a', '1'); // 2
    const results = db.transaction(() => [
      store.put(putReq('b', '1')), // 3
      store.txn(txnReq([], [op.put(putReq('c', '1')), op.del(delReq('a')), op.put(putReq('a', '', { ignoreValue: true }))])),
      store.put(putReq('d', '1')), // 4
    ])();
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(store.currentRevision()).toBe(4);
    expect(get(store, 'a')?.value).toEqual(b('1'));
    expect(get(store, 'c')).toBeUndefined();
    expect(get(store, 'd')?.modRevision).toBe(4);
  });

  it('an outer rollback leaves no stale revision behind', () => {
    const { db, store } = memStore();
    put(store, 'a', '1'); // 2
    expect(() =>
      db.transaction(() => {
        put(store, 'b', '1'); // 3, then rolled back
        expect(store.currentRevision()).toBe(3);
        throw new Error('abort batch');
      })(),
    ).toThrow('abort batch');
    expect(store.currentRevision()).toBe(2);
    expect(put(store, 'c', '1')).toBe(3);
    expect(get(store, 'b')).toBeUndefined();
  });

  it('other modules’ tables in the same file are left alone; creating the store twice is harmless', () => {
    const db = openDb();
    db.exec('CREATE TABLE other (x INTEGER)');
    const s1 = new MvccStore(db, new FakeLeases());
    put(s1, 'a', '1');
    const s2 = new MvccStore(db, new FakeLeases());
    expect(s2.currentRevision()).toBe(2);
    expect(get(s2, 'a')?.value).toEqual(b('1'));
    expect(db.prepare('SELECT count(*) AS n FROM other').get()).toEqual({ n: 0 });
  });
});

describe('query plans', () => {
  /** The plans of the SELECTs the store runs for `action`, captured through better-sqlite3's verbose hook. */
  function plansOf(action: (store: MvccStore) => void): string[] {
    const log: string[] = [];
    const db = new Database(':memory:', { verbose: (sql) => log.push(String(sql)) });
    const store = new MvccStore(db, new FakeLeases(1n));
    for (const k of ['a', 'b', 'c']) put(store, k, '1', { lease: 1n });
    put(store, 'b', '2');
    log.length = 0;
    action(store);
    return log
      .filter((sql) => /^\s*SELECT/i.test(sql))
      .map((sql) =>
        db
          .prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
          .all()
          .map((r) => r.detail)
          .join('\n'),
      );
  }

  it('range at the latest revision is an index range scan of mvcc_latest plus rowid lookups', () => {
    const plans = plansOf((s) => unwrap(s.range(rangeReq('a', 'c', { limit: 1 }))));
    const scan = plans.find((p) => p.includes('mvcc_history') || p.includes(' h USING'));
    expect(scan).toMatch(/SEARCH l USING PRIMARY KEY \(key>\? AND key<\?\)/);
    expect(scan).toMatch(/SEARCH h USING INTEGER PRIMARY KEY/);
    for (const p of plans) expect(p).not.toMatch(/SCAN|TEMP B-TREE/);
  });

  it('range at an older revision, history, leaseKeys and prev lookups use indexes only', () => {
    const plans = plansOf((s) => {
      unwrap(s.range(rangeReq('a', 'c', { revision: 3 })));
      unwrap(s.range(rangeReq('a', 'c', { revision: 3, limit: 1 })));
      unwrap(s.history({ fromRevision: 3, toRevision: 5, key: b('a'), rangeEnd: b('c'), limit: 0 }));
      s.leaseKeys(1n);
    });
    expect(plans.length).toBeGreaterThanOrEqual(5);
    for (const p of plans) expect(p).not.toMatch(/SCAN|TEMP B-TREE/);
  });
});
