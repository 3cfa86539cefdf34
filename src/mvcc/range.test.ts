// Every RangeRequest option, checked against etcd 3.4's Range semantics.
import { describe, expect, it } from 'vitest';
import type { MvccStore } from './store.js';
import { b, delReq, FROM_KEY, keysOf, memStore, put, rangeReq, unwrap } from '../../test/support/mvcc-kit.js';

/** a..e with distinct orders by version, create, mod and value. */
function seeded(): MvccStore {
  const { store } = memStore();
  put(store, 'b', 'v-b'); // 2: b create 2
  put(store, 'a', 'v-z'); // 3: a create 3
  put(store, 'c', 'v-c'); // 4
  put(store, 'c', 'v-a'); // 5: c version 2
  put(store, 'c', 'v-y'); // 6: c version 3
  put(store, 'd', 'v-d'); // 7
  put(store, 'b', 'v-b2'); // 8: b version 2, mod 8
  put(store, 'e', 'v-e'); // 9
  put(store, 'x/1', '1'); // 10
  put(store, 'x/2', '2'); // 11
  return store;
}

describe('range key selection', () => {
  it('single key, prefix range, from-key and all keys', () => {
    const store = seeded();
    expect(keysOf(store, rangeReq('c'))).toEqual(['c']);
    expect(keysOf(store, rangeReq('missing'))).toEqual([]);
    expect(keysOf(store, rangeReq('x/', 'x0'))).toEqual(['x/1', 'x/2']);
    expect(keysOf(store, rangeReq('b', 'd'))).toEqual(['b', 'c']);
    expect(keysOf(store, rangeReq('d', FROM_KEY))).toEqual(['d', 'e', 'x/1', 'x/2']);
    expect(keysOf(store, rangeReq(FROM_KEY, FROM_KEY))).toEqual(['a', 'b', 'c', 'd', 'e', 'x/1', 'x/2']);
    expect(keysOf(store, rangeReq('d', 'b'))).toEqual([]);
  });

  it('orders keys byte-wise, not by string collation', () => {
    const { store } = memStore();
    for (const k of [Buffer.from([0xff]), Buffer.from([0x01]), Buffer.from([0x01, 0x00]), Buffer.from('B'), Buffer.from('a')]) {
      unwrap(store.put({ key: k, value: b('v'), lease: 0n, prevKv: false, ignoreValue: false, ignoreLease: false }));
    }
    const keys = unwrap(store.range(rangeReq(FROM_KEY, FROM_KEY))).kvs.map((kv) => kv.key.toString('hex'));
    expect(keys).toEqual(['01', '0100', '42', '61', 'ff']);
  });

  it('reports the current revision as the header revision', () => {
    const store = seeded();
    expect(unwrap(store.range(rangeReq('a', '', { revision: 3 }))).revision).toBe(11);
  });
});

describe('limit, more and count', () => {
  it('limit truncates, sets more, and count is the total in range', () => {
    const store = seeded();
    const r = unwrap(store.range(rangeReq('a', 'z', { limit: 2 })));
    expect(r.kvs.map((kv) => kv.key.toString())).toEqual(['a', 'b']);
    expect(r.more).toBe(true);
    expect(r.count).toBe(7);
  });

  it('more is false when the limit covers everything', () => {
    const store = seeded();
    const exact = unwrap(store.range(rangeReq('a', 'f', { limit: 5 })));
    expect(exact.kvs).toHaveLength(5);
    expect(exact.more).toBe(false);
    expect(exact.count).toBe(5);
    const over = unwrap(store.range(rangeReq('a', 'f', { limit: 50 })));
    expect(over.more).toBe(false);
  });

  it('count ignores min/max filters while more reflects the filtered list', () => {
    const store = seeded();
    // Keys modified at >= 7: d(7), b(8), e(9), x/1(10), x/2(11) — five of seven.
    const r = unwrap(store.range(rangeReq('a', 'z', { minModRevision: 7, limit: 4 })));
    expect(r.count).toBe(7);
    expect(r.kvs.map((kv) => kv.key.toString())).toEqual(['b', 'd', 'e', 'x/1']);
    expect(r.more).toBe(true);
    const r2 = unwrap(store.range(rangeReq('a', 'z', { minModRevision: 7, limit: 5 })));
    expect(r2.kvs).toHaveLength(5);
    expect(r2.more).toBe(false);
  });

  it('limit applies after sorting', () => {
    const store = seeded();
    const r = unwrap(store.range(rangeReq('a', 'z', { sortOrder: 'descend', sortTarget: 'key', limit: 2 })));
    expect(r.kvs.map((kv) => kv.key.toString())).toEqual(['x/2', 'x/1']);
    expect(r.more).toBe(true);
    expect(r.count).toBe(7);
  });

  it('count_only returns no kvs, the count, and more = false', () => {
    const store = seeded();
    expect(unwrap(store.range(rangeReq('a', 'z', { countOnly: true, limit: 1 })))).toEqual({ kvs: [], more: false, count: 7, revision: 11 });
    expect(unwrap(store.range(rangeReq('x/', 'x0', { countOnly: true, revision: 10 }))).count).toBe(1);
  });
});

describe('sorting', () => {
  const order = (store: MvccStore, sortTarget: 'key' | 'version' | 'create' | 'mod' | 'value', sortOrder: 'none' | 'ascend' | 'descend') =>
    keysOf(store, rangeReq('a', 'f', { sortTarget, sortOrder }));

  it('by key', () => {
    const store = seeded();
    expect(order(store, 'key', 'none')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(order(store, 'key', 'ascend')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(order(store, 'key', 'descend')).toEqual(['e', 'd', 'c', 'b', 'a']);
  });

  it('by version (ties keep key order)', () => {
    const store = seeded();
    // versions: a1 b2 c3 d1 e1
    expect(order(store, 'version', 'ascend')).toEqual(['a', 'd', 'e', 'b', 'c']);
    expect(order(store, 'version', 'descend')).toEqual(['c', 'b', 'a', 'd', 'e']);
  });

  it('by create revision', () => {
    const store = seeded();
    // create: b2 a3 c4 d7 e9
    expect(order(store, 'create', 'ascend')).toEqual(['b', 'a', 'c', 'd', 'e']);
    expect(order(store, 'create', 'descend')).toEqual(['e', 'd', 'c', 'a', 'b']);
  });

  it('by mod revision', () => {
    const store = seeded();
    // mod: a3 c6 d7 b8 e9
    expect(order(store, 'mod', 'ascend')).toEqual(['a', 'c', 'd', 'b', 'e']);
    expect(order(store, 'mod', 'descend')).toEqual(['e', 'b', 'd', 'c', 'a']);
  });

  it('by value', () => {
    const store = seeded();
    // values: a v-z, b v-b2, c v-y, d v-d, e v-e
    expect(order(store, 'value', 'ascend')).toEqual(['b', 'd', 'e', 'c', 'a']);
    expect(order(store, 'value', 'descend')).toEqual(['a', 'c', 'e', 'd', 'b']);
  });

  it('sort order none with a non-key target sorts ascending', () => {
    const store = seeded();
    expect(order(store, 'mod', 'none')).toEqual(['a', 'c', 'd', 'b', 'e']);
    expect(order(store, 'value', 'none')).toEqual(['b', 'd', 'e', 'c', 'a']);
  });
});

describe('keys_only and filters', () => {
  it('keys_only empties values but keeps metadata', () => {
    const store = seeded();
    const kv = unwrap(store.range(rangeReq('c', '', { keysOnly: true }))).kvs[0];
    expect(kv).toEqual({ key: b('c'), value: Buffer.alloc(0), createRevision: 4, modRevision: 6, version: 3, lease: 0n });
    // The stored value is untouched.
    expect(unwrap(store.range(rangeReq('c'))).kvs[0]?.value).toEqual(b('v-y'));
  });

  it('min/max mod revision bound inclusively', () => {
    const store = seeded();
    expect(keysOf(store, rangeReq('a', 'f', { minModRevision: 7 }))).toEqual(['b', 'd', 'e']);
    expect(keysOf(store, rangeReq('a', 'f', { maxModRevision: 7 }))).toEqual(['a', 'c', 'd']);
    expect(keysOf(store, rangeReq('a', 'f', { minModRevision: 6, maxModRevision: 8 }))).toEqual(['b', 'c', 'd']);
  });

  it('min/max create revision bound inclusively', () => {
    const store = seeded();
    expect(keysOf(store, rangeReq('a', 'f', { minCreateRevision: 4 }))).toEqual(['c', 'd', 'e']);
    expect(keysOf(store, rangeReq('a', 'f', { maxCreateRevision: 3 }))).toEqual(['a', 'b']);
    expect(keysOf(store, rangeReq('a', 'f', { minCreateRevision: 3, maxCreateRevision: 4 }))).toEqual(['a', 'c']);
  });
});

describe('reading at a revision', () => {
  it('sees each key as it was, excluding later keys and deleted ones', () => {
    const store = seeded();
    unwrap(store.deleteRange(delReq('a'))); // 12
    const at5 = unwrap(store.range(rangeReq('a', 'z', { revision: 5 })));
    expect(at5.kvs.map((kv) => [kv.key.toString(), kv.value.toString(), kv.version])).toEqual([
      ['a', 'v-z', 1],
      ['b', 'v-b', 1],
      ['c', 'v-a', 2],
    ]);
    expect(at5.count).toBe(3);
    expect(at5.revision).toBe(12);
    expect(keysOf(store, rangeReq('a', '', { revision: 11 }))).toEqual(['a']);
    expect(keysOf(store, rangeReq('a', '', { revision: 12 }))).toEqual([]);
    expect(keysOf(store, rangeReq('a', 'z', { revision: 1 }))).toEqual([]);
  });

  it('applies limit, count, sort and filters at the old revision too', () => {
    const store = seeded();
    const r = unwrap(store.range(rangeReq('a', 'z', { revision: 6, limit: 2 })));
    expect(r.kvs.map((kv) => kv.key.toString())).toEqual(['a', 'b']);
    expect(r.more).toBe(true);
    expect(r.count).toBe(3);
    expect(keysOf(store, rangeReq('a', 'z', { revision: 6, sortTarget: 'mod', sortOrder: 'descend' }))).toEqual(['c', 'a', 'b']);
    expect(keysOf(store, rangeReq('a', 'z', { revision: 6, minCreateRevision: 3 }))).toEqual(['a', 'c']);
    expect(unwrap(store.range(rangeReq('a', 'z', { revision: 6, countOnly: true }))).count).toBe(3);
  });

  it('a future revision is future_rev', () => {
    const store = seeded();
    expect(store.range(rangeReq('a', '', { revision: 12 }))).toEqual({ ok: false, error: { kind: 'future_rev' } });
    expect(store.range(rangeReq('a', '', { revision: 11 })).ok).toBe(true);
  });

  it('below the compact revision is compacted; exactly at it is readable', () => {
    const store = seeded();
    unwrap(store.compact(5));
    expect(store.range(rangeReq('a', 'z', { revision: 4 }))).toEqual({ ok: false, error: { kind: 'compacted' } });
    expect(keysOf(store, rangeReq('a', 'z', { revision: 5 }))).toEqual(['a', 'b', 'c']);
    expect(unwrap(store.range(rangeReq('c', '', { revision: 5 }))).kvs[0]?.value).toEqual(b('v-a'));
  });
});
