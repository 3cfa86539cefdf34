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

export function fromResponseOp(op: ResponseOp, header: rpc.ResponseHeaderInit): rpc.ResponseOpInit {
  switch (op.type) {
    case 'range':
      return { response_range: { header, ...fromRange(op.range) } };
    case 'put':
      return { response_put: { header, ...fromPut(op.put) } };
    case 'delete':
      return { response_delete_range: { header, ...fromDeleteRange(op.deleteRange) } };
    case 'txn':
      return { response_txn: { header, ...fromTxn(op.txn, header) } };
  }
}

export function fromTxn(r: TxnResult, header: rpc.ResponseHeaderInit): rpc.TxnResponseInit {
  return { succeeded: r.succeeded, responses: r.responses.map((op) => fromResponseOp(op, header)) };
}
