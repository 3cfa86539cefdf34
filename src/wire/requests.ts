// Protobuf requests -> domain requests. Shared by the api layer (reads) and the applier (writes).
import * as rpc from '../gen/etcdserverpb.js';
import type {
  Compare,
  CompareResult,
  CompareTarget,
  DeleteRangeRequest,
  PutRequest,
  RangeRequest,
  RequestOp,
  SortOrder,
  SortTarget,
  TxnRequest,
} from '../mvcc/types.js';

const SORT_ORDER: Record<number, SortOrder> = {
  [rpc.RangeRequest_SortOrder.NONE]: 'none',
  [rpc.RangeRequest_SortOrder.ASCEND]: 'ascend',
  [rpc.RangeRequest_SortOrder.DESCEND]: 'descend',
};

const SORT_TARGET: Record<number, SortTarget> = {
  [rpc.RangeRequest_SortTarget.KEY]: 'key',
  [rpc.RangeRequest_SortTarget.VERSION]: 'version',
  [rpc.RangeRequest_SortTarget.CREATE]: 'create',
  [rpc.RangeRequest_SortTarget.MOD]: 'mod',
  [rpc.RangeRequest_SortTarget.VALUE]: 'value',
};

const COMPARE_RESULT: Record<number, CompareResult> = {
  [rpc.Compare_CompareResult.EQUAL]: 'equal',
  [rpc.Compare_CompareResult.GREATER]: 'greater',
  [rpc.Compare_CompareResult.LESS]: 'less',
  [rpc.Compare_CompareResult.NOT_EQUAL]: 'not_equal',
};

const COMPARE_TARGET: Record<number, CompareTarget> = {
  [rpc.Compare_CompareTarget.VERSION]: 'version',
  [rpc.Compare_CompareTarget.CREATE]: 'create',
  [rpc.Compare_CompareTarget.MOD]: 'mod',
  [rpc.Compare_CompareTarget.VALUE]: 'value',
  [rpc.Compare_CompareTarget.LEASE]: 'lease',
};

export function toRange(r: rpc.RangeRequest): RangeRequest {
  return {
    key: r.key,
    rangeEnd: r.range_end,
    limit: r.limit,
    revision: r.revision,
    sortOrder: SORT_ORDER[r.sort_order] ?? 'none',
    sortTarget: SORT_TARGET[r.sort_target] ?? 'key',
    keysOnly: r.keys_only,
    countOnly: r.count_only,
    minModRevision: r.min_mod_revision,
    maxModRevision: r.max_mod_revision,
    minCreateRevision: r.min_create_revision,
    maxCreateRevision: r.max_create_revision,
  };
}

export function toPut(r: rpc.PutRequest): PutRequest {
  return {
    key: r.key,
    value: r.value,
    lease: r.lease,
    prevKv: r.prev_kv,
    ignoreValue: r.ignore_value,
    ignoreLease: r.ignore_lease,
  };
}

export function toDeleteRange(r: rpc.DeleteRangeRequest): DeleteRangeRequest {
  return { key: r.key, rangeEnd: r.range_end, prevKv: r.prev_kv };
}

export function toCompare(c: rpc.Compare): Compare {
  const target = COMPARE_TARGET[c.target] ?? 'version';
  let number = 0;
  if (target === 'version') number = c.version ?? 0;
  else if (target === 'create') number = c.create_revision ?? 0;
  else if (target === 'mod') number = c.mod_revision ?? 0;
  return {
    result: COMPARE_RESULT[c.result] ?? 'equal',
    target,
    key: c.key,
    rangeEnd: c.range_end,
    number,
    value: c.value ?? Buffer.alloc(0),
    lease: c.lease ?? 0n,
  };
}

export function toRequestOp(op: rpc.RequestOp): RequestOp | undefined {
  if (op.request_range !== undefined) return { type: 'range', range: toRange(op.request_range) };
  if (op.request_put !== undefined) return { type: 'put', put: toPut(op.request_put) };
  if (op.request_delete_range !== undefined) return { type: 'delete', deleteRange: toDeleteRange(op.request_delete_range) };
  if (op.request_txn !== undefined) return { type: 'txn', txn: toTxn(op.request_txn) };
  return undefined;
}

export function toTxn(r: rpc.TxnRequest): TxnRequest {
  const ops = (list: rpc.RequestOp[]): RequestOp[] =>
    list.map(toRequestOp).filter((op): op is RequestOp => op !== undefined);
  return { compare: r.compare.map(toCompare), success: ops(r.success), failure: ops(r.failure) };
}

/** True when no branch of the txn, at any depth, writes. Such a txn is served like a read. */
export function isReadOnlyTxn(r: rpc.TxnRequest): boolean {
  const readOnly = (ops: rpc.RequestOp[]): boolean =>
    ops.every(
      (op) =>
        op.request_put === undefined &&
        op.request_delete_range === undefined &&
        (op.request_txn === undefined || isReadOnlyTxn(op.request_txn)),
    );
  return readOnly(r.success) && readOnly(r.failure);
}
