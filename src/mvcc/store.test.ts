// Revisions, versions, generations, tombstones, put and delete.
import { describe, expect, it } from 'vitest';
import { b, delReq, FakeLeases, get, keysOf, memStore, put, putReq, rangeReq, unwrap } from '../../test/support/mvcc-kit.js';

describe('revisions', () => {
  it('a fresh store is at revision 1 with compact revision 0 and no keys', () => {
    const { store } = memStore();
    expect(store.currentRevision()).toBe(1);
    expect(store.compactRevision()).toBe(0);
    expect(store.keyCount()).toBe(0);
    const r = unwrap(store.range(rangeReq(Buffer.from([0]), Buffer.from([0]))));
    expect(r).toEqual({ kvs: [], more: false, count: 0, revision: 1 });
  });

  it('the first put gets revision 2 and each write one more', () => {
    const { store } = memStore();
    expect(put(store, 'a', '1')).toBe(2);
    expect(put(store, 'b', '1')).toBe(3);
    expect(unwrap(store.deleteRange(delReq('a'))).revision).toBe(4);
    expect(store.currentRevision()).toBe(4);
  });

  it('a delete that matches nothing does not bump the revision', () => {
    const { store } = memStore();
    put(store, 'a', '1');
    const out = unwrap(store.deleteRange(delReq('zzz')));
    expect(out.revision).toBe(2);
    expect(out.result).toEqual({ deleted: 0, prevKvs: [] });
    expect(out.events).toEqual([]);
    expect(store.currentRevision()).toBe(2);
  });
});

describe('versions and generations', () => {
  it('tracks create revision, mod revision and version', () => {
    const { store } = memStore();
    put(store, 'k', 'v1'); // 2
    put(store, 'other', 'x'); // 3
    put(store, 'k', 'v2'); // 4
    expect(get(store, 'k')).toEqual({ key: b('k'), value: b('v2'), createRevision: 2, modRevision: 4, version: 2, lease: 0n });
  });

  it('a delete leaves a tombstone and a later put starts a new generation', () => {
    const { store } = memStore();
    put(store, 'k', 'v1'); // 2
    put(store, 'k', 'v2'); // 3
    unwrap(store.deleteRange(delReq('k'))); // 4
    expect(get(store, 'k')).toBeUndefined();
    expect(store.keyCount()).toBe(0);
    put(store, 'k', 'v3'); // 5
    expect(get(store, 'k')).toMatchObject({ createRevision: 5, modRevision: 5, version: 1, value: b('v3') });
    // The old generation is still readable at an older revision.
    expect(get(store, 'k', 3)).toMatchObject({ createRevision: 2, modRevision: 3, version: 2, value: b('v2') });
    expect(get(store, 'k', 4)).toBeUndefined();
  });

  it('keys and values are arbitrary bytes; empty values round-trip', () => {
    const { store } = memStore();
    const key = Buffer.from([0x00, 0xff, 0x10]);
    unwrap(store.put({ ...putReq('', ''), key, value: Buffer.alloc(0) }));
    const kv = unwrap(store.range(rangeReq(key))).kvs[0];
    expect(kv?.key.equals(key)).toBe(true);
    expect(kv?.value.length).toBe(0);
  });
});

describe('put', () => {
  it('returns prevKv only when asked and when the key existed', () => {
    const { store } = memStore();
    const first = unwrap(store.put(putReq('k', 'v1', { prevKv: true })));
    expect(first.result.prevKv).toBeUndefined();
    const second = unwrap(store.put(putReq('k', 'v2', { prevKv: true })));
    expect(second.result.prevKv).toEqual({ key: b('k'), value: b('v1'), createRevision: 2, modRevision: 2, version: 1, lease: 0n });
    const third = unwrap(store.put(putReq('k', 'v3')));
    expect(third.result.prevKv).toBeUndefined();
  });

  it('events carry prevKv whenever the previous version existed', () => {
    const { store } = memStore();
    const a = unwrap(store.put(putReq('k', 'v1')));
    expect(a.events).toEqual([{ type: 'put', kv: { key: b('k'), value: b('v1'), createRevision: 2, modRevision: 2, version: 1, lease: 0n } }]);
    const c = unwrap(store.put(putReq('k', 'v2')));
    expect(c.events[0]?.prevKv?.value).toEqual(b('v1'));
    expect(c.events[0]?.kv).toMatchObject({ value: b('v2'), version: 2, modRevision: 3 });
  });

  it('ignore_value keeps the current value', () => {
    const leases = new FakeLeases(7n);
    const { store } = memStore(leases);
    put(store, 'k', 'keep');
    const out = unwrap(store.put(putReq('k', '', { ignoreValue: true, lease: 7n })));
    expect(out.revision).toBe(3);
    expect(get(store, 'k')).toMatchObject({ value: b('keep'), lease: 7n, version: 2 });
  });

  it('ignore_lease keeps the current lease', () => {
    const { store } = memStore(new FakeLeases(7n));
    put(store, 'k', 'v1', { lease: 7n });
    put(store, 'k', 'v2', { ignoreLease: true });
    expect(get(store, 'k')).toMatchObject({ value: b('v2'), lease: 7n });
    expect(store.leaseKeys(7n)).toEqual([b('k')]);
  });

  it('ignore_value / ignore_lease on a missing key is key_not_found and writes nothing', () => {
    const { store } = memStore();
    expect(store.put(putReq('k', '', { ignoreValue: true }))).toEqual({ ok: false, error: { kind: 'key_not_found' } });
    expect(store.put(putReq('k', 'v', { ignoreLease: true }))).toEqual({ ok: false, error: { kind: 'key_not_found' } });
    expect(store.currentRevision()).toBe(1);
    expect(store.keyCount()).toBe(0);
  });

  it('an unknown lease is lease_not_found and writes nothing', () => {
    const { store } = memStore(new FakeLeases(1n));
    expect(store.put(putReq('k', 'v', { lease: 2n }))).toEqual({ ok: false, error: { kind: 'lease_not_found' } });
    expect(store.currentRevision()).toBe(1);
    expect(get(store, 'k')).toBeUndefined();
  });

  it('putting with a new lease (or none) detaches the key from the old lease', () => {
    const { store } = memStore(new FakeLeases(1n, 2n));
    put(store, 'k', 'v', { lease: 1n });
    put(store, 'j', 'v', { lease: 1n });
    expect(store.leaseKeys(1n)).toEqual([b('j'), b('k')]);
    put(store, 'k', 'v', { lease: 2n });
    expect(store.leaseKeys(1n)).toEqual([b('j')]);
    expect(store.leaseKeys(2n)).toEqual([b('k')]);
    put(store, 'k', 'v');
    expect(store.leaseKeys(2n)).toEqual([]);
    expect(get(store, 'k')?.lease).toBe(0n);
  });
});

describe('deleteRange', () => {
  it('deletes a range in one revision with increasing sub-revisions, prev_kvs when asked', () => {
    const { store } = memStore();
    put(store, 'a', '1'); // 2
    put(store, 'b', '2'); // 3
    put(store, 'c', '3'); // 4
    const out = unwrap(store.deleteRange(delReq('a', 'c', true)));
    expect(out.revision).toBe(5);
    expect(out.result.deleted).toBe(2);
    expect(out.result.prevKvs.map((kv) => [kv.key.toString(), kv.value.toString(), kv.modRevision])).toEqual([
      ['a', '1', 2],
      ['b', '2', 3],
    ]);
    expect(out.events).toEqual([
      { type: 'delete', kv: { key: b('a'), value: Buffer.alloc(0), createRevision: 0, modRevision: 5, version: 0, lease: 0n }, prevKv: out.result.prevKvs[0] },
      { type: 'delete', kv: { key: b('b'), value: Buffer.alloc(0), createRevision: 0, modRevision: 5, version: 0, lease: 0n }, prevKv: out.result.prevKvs[1] },
    ]);
    const hist = unwrap(store.history({ fromRevision: 5, toRevision: 5, key: b('a'), rangeEnd: b('z'), limit: 0 }));
    expect(hist.map((e) => [e.type, e.kv.key.toString(), e.kv.modRevision])).toEqual([
      ['delete', 'a', 5],
      ['delete', 'b', 5],
    ]);
    expect(keysOf(store, rangeReq('a', 'z'))).toEqual(['c']);
  });

  it('without prev_kv returns only the count', () => {
    const { store } = memStore();
    put(store, 'a', '1');
    const out = unwrap(store.deleteRange(delReq('a')));
    expect(out.result).toEqual({ deleted: 1, prevKvs: [] });
    expect(out.events[0]?.prevKv?.value).toEqual(b('1'));
  });

  it('from-key deletes every key >= key', () => {
    const { store } = memStore();
    for (const k of ['a', 'b', 'c']) put(store, k, k);
    expect(unwrap(store.deleteRange(delReq('b', Buffer.from([0])))).result.deleted).toBe(2);
    expect(keysOf(store, rangeReq(Buffer.from([0]), Buffer.from([0])))).toEqual(['a']);
  });

  it('detaches deleted keys from their lease', () => {
    const { store } = memStore(new FakeLeases(9n));
    put(store, 'a', '1', { lease: 9n });
    unwrap(store.deleteRange(delReq('a')));
    expect(store.leaseKeys(9n)).toEqual([]);
  });
});
