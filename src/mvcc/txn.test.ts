// Txn: compares, branches, nesting, read-your-writes and all-or-nothing checks.
import { describe, expect, it } from 'vitest';
import type { MvccStore } from './store.js';
import type { Compare, ResponseOp, TxnResult } from './types.js';
import { b, cmp, delReq, FakeLeases, get, memStore, op, put, putReq, rangeReq, txnReq, unwrap } from '../../test/support/mvcc-kit.js';

function succeeds(store: MvccStore, ...compare: Compare[]): boolean {
  return unwrap(store.txn(txnReq(compare, []))).result.succeeded;
}

function rangeOf(r: ResponseOp | undefined) {
  if (r?.type !== 'range') throw new Error(`expected a range response, got ${r?.type}`);
  return r.range;
}

function txnOf(r: ResponseOp | undefined): TxnResult {
  if (r?.type !== 'txn') throw new Error(`expected a txn response, got ${r?.type}`);
  return r.txn;
}

describe('txn revisions', () => {
  it('all writes share one main revision with sub-revisions 0, 1, 2…', () => {
    const { store } = memStore();
    put(store, 'old', 'x'); // 2
    const out = unwrap(store.txn(txnReq([], [op.put(putReq('a', '1')), op.del(delReq('old')), op.put(putReq('b', '2'))])));
    expect(out.revision).toBe(3);
    expect(store.currentRevision()).toBe(3);
    expect(out.events.map((e) => [e.type, e.kv.key.toString(), e.kv.modRevision])).toEqual([
      ['put', 'a', 3],
      ['delete', 'old', 3],
      ['put', 'b', 3],
    ]);
    // Sub-revision order is visible through history.
    const hist = unwrap(store.history({ fromRevision: 3, toRevision: 3, key: b('a'), rangeEnd: b('p'), limit: 0 }));
    expect(hist.map((e) => e.kv.key.toString())).toEqual(['a', 'old', 'b']);
  });

  it('a read-only txn (or a failed branch with no ops) does not bump the revision', () => {
    const { store } = memStore();
    put(store, 'a', '1');
    const ro = unwrap(store.txn(txnReq([], [op.range(rangeReq('a'))])));
    expect(ro.revision).toBe(2);
    expect(ro.events).toEqual([]);
    expect(rangeOf(ro.result.responses[0]).kvs[0]?.value).toEqual(b('1'));
    const empty = unwrap(store.txn(txnReq([cmp('a', 'version', 'equal', 9)], [op.put(putReq('a', 'x'))])));
    expect(empty.result).toEqual({ succeeded: false, responses: [] });
    expect(empty.revision).toBe(2);
    expect(store.currentRevision()).toBe(2);
  });

  it('a delete of nothing inside a txn does not bump the revision', () => {
    const { store } = memStore();
    put(store, 'a', '1');
    const out = unwrap(store.txn(txnReq([], [op.del(delReq('nope'))])));
    expect(out.revision).toBe(2);
    // Its own header revision is the one before the txn, as etcd reports it.
    expect(out.result.responses).toEqual([{ type: 'delete', deleteRange: { deleted: 0, prevKvs: [] }, revision: 2 }]);
  });
});

describe('compares', () => {
  function fixture(): MvccStore {
    const { store } = memStore(new FakeLeases(5n, -3n));
    put(store, 'k', 'v1'); // 2
    put(store, 'k', 'v2', { lease: 5n }); // 3: create 2, mod 3, version 2
    return store;
  }

  it('version', () => {
    const s = fixture();
    expect(succeeds(s, cmp('k', 'version', 'equal', 2))).toBe(true);
    expect(succeeds(s, cmp('k', 'version', 'equal', 1))).toBe(false);
    expect(succeeds(s, cmp('k', 'version', 'not_equal', 1))).toBe(true);
    expect(succeeds(s, cmp('k', 'version', 'greater', 1))).toBe(true);
    expect(succeeds(s, cmp('k', 'version', 'greater', 2))).toBe(false);
    expect(succeeds(s, cmp('k', 'version', 'less', 3))).toBe(true);
    expect(succeeds(s, cmp('k', 'version', 'less', 2))).toBe(false);
  });

  it('create and mod revision', () => {
    const s = fixture();
    expect(succeeds(s, cmp('k', 'create', 'equal', 2))).toBe(true);
    expect(succeeds(s, cmp('k', 'create', 'less', 2))).toBe(false);
    expect(succeeds(s, cmp('k', 'mod', 'equal', 3))).toBe(true);
    expect(succeeds(s, cmp('k', 'mod', 'greater', 2))).toBe(true);
    expect(succeeds(s, cmp('k', 'mod', 'not_equal', 3))).toBe(false);
  });

  it('value, byte-wise', () => {
    const s = fixture();
    expect(succeeds(s, cmp('k', 'value', 'equal', 'v2'))).toBe(true);
    expect(succeeds(s, cmp('k', 'value', 'equal', 'v1'))).toBe(false);
    expect(succeeds(s, cmp('k', 'value', 'greater', 'v1'))).toBe(true);
    expect(succeeds(s, cmp('k', 'value', 'less', 'v3'))).toBe(true);
    expect(succeeds(s, cmp('k', 'value', 'less', 'v'))).toBe(false);
    expect(succeeds(s, cmp('k', 'value', 'not_equal', 'v2'))).toBe(false);
  });

  it('lease, as signed int64', () => {
    const s = fixture();
    expect(succeeds(s, cmp('k', 'lease', 'equal', 5n))).toBe(true);
    expect(succeeds(s, cmp('k', 'lease', 'greater', -3n))).toBe(true);
    expect(succeeds(s, cmp('k', 'lease', 'less', 6n))).toBe(true);
    put(s, 'k', 'v3', { lease: -3n });
    expect(succeeds(s, cmp('k', 'lease', 'less', 0n))).toBe(true);
    expect(succeeds(s, cmp('k', 'lease', 'equal', -3n))).toBe(true);
  });

  it('a missing key compares as version/create/mod/lease 0, and any value compare fails', () => {
    const s = fixture();
    expect(succeeds(s, cmp('nope', 'version', 'equal', 0))).toBe(true);
    expect(succeeds(s, cmp('nope', 'create', 'equal', 0))).toBe(true);
    expect(succeeds(s, cmp('nope', 'mod', 'less', 1))).toBe(true);
    expect(succeeds(s, cmp('nope', 'lease', 'equal', 0n))).toBe(true);
    expect(succeeds(s, cmp('nope', 'version', 'greater', 0))).toBe(false);
    expect(succeeds(s, cmp('nope', 'value', 'equal', ''))).toBe(false);
    expect(succeeds(s, cmp('nope', 'value', 'not_equal', 'x'))).toBe(false);
  });

  it('a deleted key compares as missing', () => {
    const s = fixture();
    unwrap(s.deleteRange(delReq('k')));
    expect(succeeds(s, cmp('k', 'version', 'equal', 0))).toBe(true);
    expect(succeeds(s, cmp('k', 'create', 'equal', 0))).toBe(true);
  });

  it('a range compare must hold for every key in the range', () => {
    const { store } = memStore();
    put(store, 'r/a', '1');
    put(store, 'r/b', '1');
    put(store, 'r/c', '2');
    expect(succeeds(store, cmp('r/', 'value', 'equal', '1', 'r/c'))).toBe(true);
    expect(succeeds(store, cmp('r/', 'value', 'equal', '1', 'r0'))).toBe(false);
    expect(succeeds(store, cmp('r/', 'version', 'equal', 1, 'r0'))).toBe(true);
    expect(succeeds(store, cmp('r/', 'mod', 'greater', 2, 'r0'))).toBe(false);
    // An empty range compares as one missing key.
    expect(succeeds(store, cmp('s/', 'create', 'equal', 0, 's0'))).toBe(true);
    expect(succeeds(store, cmp('s/', 'value', 'equal', '', 's0'))).toBe(false);
    // From-key ranges work too.
    expect(succeeds(store, cmp('r/b', 'version', 'equal', 1, '\0'))).toBe(true);
  });

  it('all compares must hold; otherwise the failure branch runs', () => {
    const s = fixture();
    const out = unwrap(
      s.txn(txnReq([cmp('k', 'version', 'equal', 2), cmp('k', 'value', 'equal', 'nope')], [op.put(putReq('ok', '1'))], [op.put(putReq('ko', '1'))])),
    );
    expect(out.result.succeeded).toBe(false);
    expect(get(s, 'ok')).toBeUndefined();
    expect(get(s, 'ko')?.value).toEqual(b('1'));
  });
});

describe('ops and responses', () => {
  it('responses mirror the ops of the taken branch', () => {
    const { store } = memStore();
    put(store, 'a', 'old');
    const out = unwrap(
      store.txn(
        txnReq(
          [cmp('a', 'value', 'equal', 'old')],
          [op.put(putReq('a', 'new', { prevKv: true })), op.range(rangeReq('a')), op.del(delReq('a', '', true)), op.range(rangeReq('a'))],
        ),
      ),
    );
    const [p, r1, d, r2] = out.result.responses;
    expect(p).toEqual({ type: 'put', put: { prevKv: { key: b('a'), value: b('old'), createRevision: 2, modRevision: 2, version: 1, lease: 0n } }, revision: 3 });
    expect(rangeOf(r1).kvs.map((kv) => [kv.value.toString(), kv.version, kv.modRevision])).toEqual([['new', 2, 3]]);
    // A range after a write reports the txn's revision as its header revision.
    expect(rangeOf(r1).revision).toBe(3);
    expect(d).toEqual({ type: 'delete', deleteRange: { deleted: 1, prevKvs: [rangeOf(r1).kvs[0]] }, revision: 3 });
    expect(rangeOf(r2).kvs).toEqual([]);
    expect(out.result.responses).toHaveLength(4);
  });

  it('a range before the txn writes reports the revision before the txn (etcd 3.4)', () => {
    const { store } = memStore();
    put(store, 'a', '1');
    const out = unwrap(store.txn(txnReq([], [op.range(rangeReq('a')), op.put(putReq('b', '2')), op.range(rangeReq('a'))])));
    const [r1, , r2] = out.result.responses;
    expect([rangeOf(r1).revision, rangeOf(r2).revision, out.revision]).toEqual([2, 3, 3]);
  });

  it('ranges inside a txn see the txn’s own earlier writes, and older revisions as they were', () => {
    const { store } = memStore();
    put(store, 'k', 'v1'); // 2
    const out = unwrap(
      store.txn(
        txnReq([], [op.range(rangeReq('k')), op.put(putReq('k', 'v2')), op.put(putReq('j', 'x')), op.range(rangeReq('j', 'l')), op.range(rangeReq('k', '', { revision: 2 }))]),
      ),
    );
    const [before, , , after, old] = out.result.responses;
    expect(rangeOf(before).kvs.map((kv) => kv.value.toString())).toEqual(['v1']);
    expect(rangeOf(before).revision).toBe(2);
    expect(rangeOf(after).kvs.map((kv) => [kv.key.toString(), kv.value.toString()])).toEqual([
      ['j', 'x'],
      ['k', 'v2'],
    ]);
    expect(rangeOf(after).count).toBe(2);
    expect(rangeOf(old).kvs.map((kv) => kv.value.toString())).toEqual(['v1']);
  });

  it('delete then put of the same key in one txn starts a new generation', () => {
    const { store } = memStore();
    put(store, 'k', 'v1'); // 2
    put(store, 'k', 'v2'); // 3
    const out = unwrap(store.txn(txnReq([], [op.del(delReq('k')), op.put(putReq('k', 'v3'))])));
    expect(get(store, 'k')).toMatchObject({ createRevision: 4, modRevision: 4, version: 1, value: b('v3') });
    expect(out.events[0]).toMatchObject({ type: 'delete', prevKv: { value: b('v2') } });
    expect(out.events[1]?.prevKv).toBeUndefined();
  });

  it('nested txns: compares see the state before the txn, ops share the main revision', () => {
    const { store } = memStore();
    put(store, 'flag', 'off'); // 2
    const out = unwrap(
      store.txn(
        txnReq(
          [],
          [
            op.put(putReq('flag', 'on')),
            // Evaluated before the outer put: flag is still "off".
            op.txn(txnReq([cmp('flag', 'value', 'equal', 'off')], [op.put(putReq('saw', 'off'))], [op.put(putReq('saw', 'on'))])),
            op.txn(txnReq([cmp('missing', 'version', 'greater', 0)], [], [op.txn(txnReq([], [op.put(putReq('deep', 'y'))]))])),
          ],
        ),
      ),
    );
    expect(out.revision).toBe(3);
    expect(out.events.map((e) => [e.kv.key.toString(), e.kv.modRevision])).toEqual([
      ['flag', 3],
      ['saw', 3],
      ['deep', 3],
    ]);
    expect(get(store, 'saw')?.value).toEqual(b('off'));
    const [, n1, n2] = out.result.responses;
    expect(txnOf(n1).succeeded).toBe(true);
    expect(txnOf(n1).responses).toHaveLength(1);
    expect(txnOf(n2).succeeded).toBe(false);
    const deep = txnOf(txnOf(n2).responses[0]);
    expect(deep.succeeded).toBe(true);
    expect(deep.responses).toEqual([{ type: 'put', put: {}, revision: 3 }]);
  });
});

describe('a failing check writes nothing', () => {
  function fixture() {
    const leases = new FakeLeases(1n);
    const { store } = memStore(leases);
    put(store, 'a', '1'); // 2
    return store;
  }

  function expectUnchanged(store: MvccStore): void {
    expect(store.currentRevision()).toBe(2);
    expect(get(store, 'a')?.value).toEqual(b('1'));
    expect(get(store, 'b')).toBeUndefined();
  }

  it('lease_not_found, even after earlier writes in the branch', () => {
    const store = fixture();
    const r = store.txn(txnReq([], [op.put(putReq('b', '1')), op.del(delReq('a')), op.put(putReq('c', '1', { lease: 99n }))]));
    expect(r).toEqual({ ok: false, error: { kind: 'lease_not_found' } });
    expectUnchanged(store);
  });

  it('key_not_found for ignore_value / ignore_lease on a missing key', () => {
    const store = fixture();
    expect(store.txn(txnReq([], [op.put(putReq('b', '1')), op.put(putReq('zz', '', { ignoreValue: true }))]))).toEqual({
      ok: false,
      error: { kind: 'key_not_found' },
    });
    expect(store.txn(txnReq([], [op.put(putReq('b', '1')), op.put(putReq('zz', 'v', { ignoreLease: true }))]))).toEqual({
      ok: false,
      error: { kind: 'key_not_found' },
    });
    expectUnchanged(store);
  });

  it('ignore_value is checked against the state before the txn (as etcd does)', () => {
    const store = fixture();
    // "b" is put earlier in the same txn, but did not exist before it.
    expect(store.txn(txnReq([], [op.put(putReq('b', '1')), op.put(putReq('b', '', { ignoreValue: true }))]))).toEqual({
      ok: false,
      error: { kind: 'key_not_found' },
    });
    expectUnchanged(store);
  });

  it('ignore_value on a key the txn itself deleted fails and rolls back (etcd 3.4 would panic)', () => {
    const store = fixture();
    expect(store.txn(txnReq([], [op.put(putReq('b', '1')), op.del(delReq('a')), op.put(putReq('a', '', { ignoreValue: true }))]))).toEqual({
      ok: false,
      error: { kind: 'key_not_found' },
    });
    expectUnchanged(store);
    expect(store.keyCount()).toBe(1);
  });

  it('errors in a nested txn on the taken path fail the whole txn', () => {
    const store = fixture();
    const req = txnReq([], [op.put(putReq('b', '1')), op.txn(txnReq([], [op.txn(txnReq([], [op.put(putReq('c', '', { lease: 42n }))]))]))]);
    expect(store.txn(req)).toEqual({ ok: false, error: { kind: 'lease_not_found' } });
    expectUnchanged(store);
  });

  it('only the taken branches are checked', () => {
    const store = fixture();
    const out = unwrap(
      store.txn(txnReq([cmp('a', 'value', 'equal', '1')], [op.put(putReq('b', '1'))], [op.put(putReq('c', '', { lease: 42n }))])),
    );
    expect(out.result.succeeded).toBe(true);
    expect(get(store, 'b')?.value).toEqual(b('1'));
  });

  it('ranges at a future or compacted revision fail the txn before any write', () => {
    const store = fixture();
    put(store, 'a', '2'); // 3
    put(store, 'a', '3'); // 4
    unwrap(store.compact(3));
    // Revision 5 would exist after the put, but etcd checks against the state before the txn.
    expect(store.txn(txnReq([], [op.put(putReq('b', '1')), op.range(rangeReq('a', '', { revision: 5 }))]))).toEqual({
      ok: false,
      error: { kind: 'future_rev' },
    });
    expect(store.txn(txnReq([], [op.put(putReq('b', '1')), op.range(rangeReq('a', '', { revision: 2 }))]))).toEqual({
      ok: false,
      error: { kind: 'compacted' },
    });
    expect(store.currentRevision()).toBe(4);
    expect(get(store, 'b')).toBeUndefined();
    // At the compact revision itself the read is fine.
    const ok = unwrap(store.txn(txnReq([], [op.range(rangeReq('a', '', { revision: 3 }))])));
    expect(rangeOf(ok.result.responses[0]).kvs[0]?.value).toEqual(b('2'));
  });

  it('put errors are reported before range errors', () => {
    const store = fixture();
    const r = store.txn(txnReq([], [op.range(rangeReq('a', '', { revision: 50 })), op.put(putReq('b', '1', { lease: 7n }))]));
    expect(r).toEqual({ ok: false, error: { kind: 'lease_not_found' } });
  });
});
