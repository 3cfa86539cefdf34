// Domain results -> protobuf response messages (without headers; the api layer adds them).
import type * as rpc from '../gen/etcdserverpb.js';
import * as mvccpb from '../gen/mvccpb.js';
import type {
  DeleteRangeResult,
  KeyValue,
  MvccEvent,
  PutResult,
  RangeResult,
  ResponseOp,
  TxnResult,
} from '../mvcc/types.js';

export function fromKv(kv: KeyValue): mvccpb.KeyValueInit {
  return {
    key: kv.key,
    create_revision: kv.createRevision,
    mod_revision: kv.modRevision,
    version: kv.version,
    value: kv.value,
    lease: kv.lease,
  };
}

export function fromEvent(e: MvccEvent): mvccpb.EventInit {
  return {
    type: e.type === 'put' ? mvccpb.Event_EventType.PUT : mvccpb.Event_EventType.DELETE,
    kv: fromKv(e.kv),
    prev_kv: e.prevKv === undefined ? undefined : fromKv(e.prevKv),
  };
}

export function fromRange(r: RangeResult): rpc.RangeResponseInit {
  return { kvs: r.kvs.map(fromKv), more: r.more, count: r.count };
}

export function fromPut(r: PutResult): rpc.PutResponseInit {
  return { prev_kv: r.prevKv === undefined ? undefined : fromKv(r.prevKv) };
}

export function fromDeleteRange(r: DeleteRangeResult): rpc.DeleteRangeResponseInit {
  return { deleted: r.deleted, prev_kvs: r.prevKvs.map(fromKv) };
}

// Inside a txn etcd 3.4 gives each op a header of its own holding only a revision (no member or
// cluster ID, no term), and a nested txn an empty header; only the outer response gets the full one.
export function fromResponseOp(op: ResponseOp): rpc.ResponseOpInit {
  switch (op.type) {
    case 'range':
      return { response_range: { header: { revision: op.range.revision }, ...fromRange(op.range) } };
    case 'put':
      return { response_put: { header: { revision: op.revision }, ...fromPut(op.put) } };
    case 'delete':
      return { response_delete_range: { header: { revision: op.revision }, ...fromDeleteRange(op.deleteRange) } };
    case 'txn':
      return { response_txn: { header: {}, ...fromTxn(op.txn) } };
  }
}

export function fromTxn(r: TxnResult): rpc.TxnResponseInit {
  return { succeeded: r.succeeded, responses: r.responses.map(fromResponseOp) };
}
