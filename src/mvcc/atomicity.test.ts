// Write atomicity inside a caller's transaction, crash recovery, and the schema's query plans.
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { MvccStore } from './store.js';
import { join } from 'node:path';
import { b, delReq, FakeLeases, get, memStore, op, openDb, put, putReq, rangeReq, tempDir, txnReq, unwrap } from '../../test/support/mvcc-kit.js';

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

  it('after a crash before commit, a reopened store is at the last committed state', () => {
    const t = tempDir();
    try {
      const path = join(t.dir, 'kv.db');
      const db1 = openDb(path);
      const s1 = new MvccStore(db1, new FakeLeases());
      db1.exec('BEGIN');
      put(s1, 'a', '1'); // 2
      s1.flush();
      db1.exec('COMMIT');
      db1.exec('BEGIN');
      put(s1, 'b', '1'); // 3: never committed
      s1.flush();
      // A process that dies here leaves no commit; closing with the transaction open rolls it back.
      db1.close();
      const s2 = new MvccStore(openDb(path), new FakeLeases());
      expect(s2.currentRevision()).toBe(2);
      expect(get(s2, 'b')).toBeUndefined();
      expect(put(s2, 'c', '1')).toBe(3);
    } finally {
      t.cleanup();
    }
  });

  it('other modules’ tables in the same file are left alone; creating the store twice is harmless', () => {
    const db = openDb();
    db.exec('CREATE TABLE other (x INTEGER)');
    const s1 = new MvccStore(db, new FakeLeases());
    put(s1, 'a', '1');
    s1.flush();
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

  it('a range reads values by row id and nothing else; keys_only reads no value at all', () => {
    const plans = plansOf((s) => unwrap(s.range(rangeReq('a', 'c', { limit: 1 }))));
    expect(plans).toEqual(['SEARCH kv_values USING INTEGER PRIMARY KEY (rowid=?)']);
    expect(plansOf((s) => unwrap(s.range(rangeReq('a', 'z', { keysOnly: true }))))).toEqual([]);
    expect(plansOf((s) => unwrap(s.range(rangeReq('a', 'z', { countOnly: true }))))).toEqual([]);
  });

  it('range at an older revision, history, leaseKeys and prev lookups use indexes only', () => {
    const plans = plansOf((s) => {
      unwrap(s.range(rangeReq('a', 'c', { revision: 3 })));
      unwrap(s.range(rangeReq('a', 'c', { revision: 3, limit: 1 })));
      unwrap(s.history({ fromRevision: 3, toRevision: 5, key: b('a'), rangeEnd: b('c'), limit: 0 }));
      s.leaseKeys(1n);
    });
    expect(plans.length).toBeGreaterThanOrEqual(3);
    expect(plans.some((p) => p.includes('kv_history_rev'))).toBe(true);
    for (const p of plans) expect(p).not.toMatch(/SCAN|TEMP B-TREE/);
  });
});
