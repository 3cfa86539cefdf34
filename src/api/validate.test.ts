// Regressions found by the differential test against etcd 3.4 (test/diff).
import { describe, expect, it } from 'vitest';
import * as rpc from '../gen/etcdserverpb.js';
import { checkTxn } from './validate.js';

const txn = (init: rpc.TxnRequestInit): rpc.TxnRequest => rpc.TxnRequest.decode(rpc.TxnRequest.encode(init).finish());
const b = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('txn duplicate-key check', () => {
  it('takes a "\\0" range end literally, as etcd 3.4 does: deleting [k, "\\0") and putting a later key is allowed', () => {
    const req = txn({
      success: [
        { request_delete_range: { key: b('foo/2'), range_end: b('\0') } },
        { request_txn: { success: [{ request_put: { key: b('foo0'), value: b('x') } }] } },
      ],
    });
    expect(checkTxn(req, 128)).toBeUndefined();
  });

  it('still refuses a put inside a deleted range with a real end', () => {
    const req = txn({
      success: [{ request_delete_range: { key: b('a'), range_end: b('c') } }, { request_put: { key: b('b'), value: b('x') } }],
    });
    expect(checkTxn(req, 128)?.message).toBe('etcdserver: duplicate key given in txn request');
  });

  it('reports a bad op anywhere, nested ones too, before any overlap (etcd checks ops first)', () => {
    const req = txn({
      success: [
        { request_txn: { success: [{ request_put: { key: b('k'), value: b('x') } }, { request_put: { key: b('k'), value: b('y') } }] } },
        { request_put: { key: b('j'), lease: 5n, ignore_lease: true } },
      ],
    });
    expect(checkTxn(req, 128)?.message).toBe('etcdserver: lease is provided');
  });
});
