// hash() and hashKV(): deterministic, sensitive to history, bounded by revision.
import { describe, expect, it } from 'vitest';
import type { MvccStore } from './store.js';
import { delReq, FakeLeases, memStore, op, put, putReq, txnReq, unwrap } from '../../test/support/mvcc-kit.js';

/** The same sequence of requests on any store. */
function feed(store: MvccStore): void {
  put(store, 'a', '1', { lease: 3n }); // 2
  put(store, 'b', '1'); // 3
  unwrap(store.txn(txnReq([], [op.put(putReq('c', '1')), op.del(delReq('a'))]))); // 4
  put(store, 'b', '2'); // 5
  unwrap(store.compact(3));
  put(store, 'd', '1'); // 6
}

const newStore = () => memStore(new FakeLeases(3n)).store;

describe('hashes', () => {
  it('two stores fed the same requests have equal hashes at every revision', () => {
    const s1 = newStore();
    const s2 = newStore();
    feed(s1);
    feed(s2);
    expect(s1.hash()).toBe(s2.hash());
    for (const rev of [0, 4, 5, 6]) expect(unwrap(s1.hashKV(rev))).toEqual(unwrap(s2.hashKV(rev)));
    expect(unwrap(s1.hashKV(0))).toMatchObject({ compactRevision: 3, revision: 6 });
  });

  it('differ when the histories differ, even with the same final keys', () => {
    const s1 = newStore();
    const s2 = newStore();
    put(s1, 'a', 'x');
    put(s2, 'a', 'y');
    put(s1, 'a', 'z');
    put(s2, 'a', 'z');
    expect(s1.hash()).not.toBe(s2.hash());
    expect(unwrap(s1.hashKV(0)).hash).not.toBe(unwrap(s2.hashKV(0)).hash);
  });

  it('hashKV(rev) ignores versions after rev and is stable as the store moves on', () => {
    const s = newStore();
    put(s, 'a', '1'); // 2
    put(s, 'b', '1'); // 3
    const at3 = unwrap(s.hashKV(3)).hash;
    expect(unwrap(s.hashKV(0)).hash).toBe(at3);
    put(s, 'c', '1'); // 4
    expect(unwrap(s.hashKV(3)).hash).toBe(at3);
    expect(unwrap(s.hashKV(4)).hash).not.toBe(at3);
    // A tombstone counts.
    const before = unwrap(s.hashKV(0)).hash;
    unwrap(s.deleteRange(delReq('zzz'))); // no-op: no change
    expect(unwrap(s.hashKV(0)).hash).toBe(before);
    unwrap(s.deleteRange(delReq('c'))); // 5
    expect(unwrap(s.hashKV(5)).hash).not.toBe(unwrap(s.hashKV(4)).hash);
    expect(unwrap(s.hashKV(5)).revision).toBe(5);
  });

  it('hashKV covers the versions compaction kept, like etcd, but not the ones it removed', () => {
    const kept1 = newStore();
    const kept2 = newStore();
    put(kept1, 'old', 'x'); // 2
    put(kept2, 'old', 'y'); // 2: still the live version after compaction
    for (const s of [kept1, kept2]) {
      put(s, 'k', '1'); // 3
      unwrap(s.compact(3));
    }
    expect(unwrap(kept1.hashKV(0)).hash).not.toBe(unwrap(kept2.hashKV(0)).hash);

    const gone1 = newStore();
    const gone2 = newStore();
    put(gone1, 'old', 'x'); // 2
    put(gone2, 'old', 'y'); // 2: superseded at 3, so compaction removes it
    for (const s of [gone1, gone2]) {
      put(s, 'old', 'z'); // 3
      unwrap(s.compact(3));
      put(s, 'k', '2'); // 4
    }
    expect(unwrap(gone1.hashKV(4)).hash).toBe(unwrap(gone2.hashKV(4)).hash);
  });

  it('hashKV errors like etcd: compacted at or below the compact revision, future_rev above current', () => {
    const s = newStore();
    put(s, 'a', '1'); // 2
    put(s, 'a', '2'); // 3
    unwrap(s.compact(2));
    expect(s.hashKV(2)).toEqual({ ok: false, error: { kind: 'compacted' } });
    expect(s.hashKV(4)).toEqual({ ok: false, error: { kind: 'future_rev' } });
    expect(s.hashKV(3).ok).toBe(true);
  });

  it('of an empty store is deterministic and, like etcd, not 0', () => {
    expect(newStore().hash()).toBe(newStore().hash());
    const empty = unwrap(newStore().hashKV(0));
    expect(empty).toEqual({ hash: unwrap(newStore().hashKV(0)).hash, compactRevision: 0, revision: 1 });
    expect(empty.hash).not.toBe(0);
  });
});
