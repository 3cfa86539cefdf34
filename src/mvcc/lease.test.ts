// Keys attached to leases: leaseKeys and revokeLease.
import { describe, expect, it } from 'vitest';
import { b, delReq, FakeLeases, get, memStore, put, unwrap } from '../../test/support/mvcc-kit.js';

const MIN_I64 = -(2n ** 63n);
const MAX_I64 = 2n ** 63n - 1n;

describe('leases', () => {
  it('revokeLease deletes every attached key in one revision, in key order', () => {
    const { store } = memStore(new FakeLeases(1n, 2n));
    put(store, 'c', '1', { lease: 1n }); // 2
    put(store, 'a', '1', { lease: 1n }); // 3
    put(store, 'b', '1', { lease: 2n }); // 4
    put(store, 'd', '1'); // 5
    const out = store.revokeLease(1n);
    expect(out.revision).toBe(6);
    expect(out.result.deleted).toBe(2);
    expect(out.result.prevKvs.map((kv) => kv.key.toString())).toEqual(['a', 'c']);
    expect(out.events.map((e) => [e.type, e.kv.key.toString(), e.kv.modRevision, e.prevKv?.lease])).toEqual([
      ['delete', 'a', 6, 1n],
      ['delete', 'c', 6, 1n],
    ]);
    expect(store.currentRevision()).toBe(6);
    expect(get(store, 'a')).toBeUndefined();
    expect(get(store, 'c')).toBeUndefined();
    expect(get(store, 'b')?.lease).toBe(2n);
    expect(get(store, 'd')).toBeDefined();
    expect(store.leaseKeys(1n)).toEqual([]);
  });

  it('revoking a lease with no keys writes nothing and keeps the revision', () => {
    const { store } = memStore(new FakeLeases(1n));
    put(store, 'a', '1'); // 2
    const out = store.revokeLease(1n);
    expect(out).toEqual({ result: { deleted: 0, prevKvs: [] }, revision: 2, events: [] });
    expect(store.currentRevision()).toBe(2);
  });

  it('leaseKeys lists only live keys currently attached', () => {
    const { store } = memStore(new FakeLeases(5n));
    put(store, 'x', '1', { lease: 5n });
    put(store, 'y', '1', { lease: 5n });
    put(store, 'z', '1', { lease: 5n });
    unwrap(store.deleteRange(delReq('y')));
    put(store, 'z', '2');
    expect(store.leaseKeys(5n)).toEqual([b('x')]);
    expect(store.leaseKeys(6n)).toEqual([]);
  });

  it('lease IDs use the full int64 range, negative ones included', () => {
    const { store } = memStore(new FakeLeases(MIN_I64, MAX_I64, -1n));
    put(store, 'min', 'v', { lease: MIN_I64 });
    put(store, 'max', 'v', { lease: MAX_I64 });
    put(store, 'neg', 'v', { lease: -1n });
    expect(get(store, 'min')?.lease).toBe(MIN_I64);
    expect(get(store, 'max')?.lease).toBe(MAX_I64);
    expect(get(store, 'neg', 4)?.lease).toBe(-1n);
    expect(store.leaseKeys(MAX_I64)).toEqual([b('max')]);
    expect(store.leaseKeys(MIN_I64)).toEqual([b('min')]);
    expect(store.revokeLease(-1n).result.deleted).toBe(1);
    expect(store.leaseKeys(-1n)).toEqual([]);
  });
});
