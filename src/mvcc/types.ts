// Domain types of the MVCC store. The api layer maps protobuf messages to
// these; nothing below the api layer sees generated protobuf types.
//
// Revisions, versions and counts are plain numbers (they stay far below 2^53).
// Lease IDs are int64 on the wire and may use all 64 bits, so they are bigint.

export interface KeyValue {
  key: Buffer;
  createRevision: number;
  modRevision: number;
  version: number;
  value: Buffer;
  /** 0n when the key has no lease. */
  lease: bigint;
}

export type EventType = 'put' | 'delete';

export interface MvccEvent {
  type: EventType;
  /** For a delete: key, modRevision = the delete's revision, other fields zero/empty. */
  kv: KeyValue;
  /** Previous version of the key, when the caller asked for it and it existed. */
  prevKv?: KeyValue;
}

export type SortOrder = 'none' | 'ascend' | 'descend';
export type SortTarget = 'key' | 'version' | 'create' | 'mod' | 'value';

export interface RangeRequest {
  key: Buffer;
  /** Empty: single key. [0x00]: every key >= key. Otherwise [key, rangeEnd). */
  rangeEnd: Buffer;
  /** 0 = no limit. */
  limit: number;
  /** 0 = current revision. */
  revision: number;
  sortOrder: SortOrder;
  sortTarget: SortTarget;
  keysOnly: boolean;
  countOnly: boolean;
  minModRevision: number;
  maxModRevision: number;
  minCreateRevision: number;
  maxCreateRevision: number;
}

export interface RangeResult {
  kvs: KeyValue[];
  more: boolean;
  count: number;
  /** The store's current revision when the read ran (the header revision). */
  revision: number;
}

export interface PutRequest {
  key: Buffer;
  value: Buffer;
  lease: bigint;
  prevKv: boolean;
  ignoreValue: boolean;
  ignoreLease: boolean;
}

export interface PutResult {
  prevKv?: KeyValue;
}

export interface DeleteRangeRequest {
  key: Buffer;
  rangeEnd: Buffer;
  prevKv: boolean;
}

export interface DeleteRangeResult {
  deleted: number;
  prevKvs: KeyValue[];
}

export type CompareResult = 'equal' | 'greater' | 'less' | 'not_equal';
export type CompareTarget = 'version' | 'create' | 'mod' | 'value' | 'lease';

export interface Compare {
  result: CompareResult;
  target: CompareTarget;
  key: Buffer;
  rangeEnd: Buffer;
  /** Used for version/create/mod targets. */
  number: number;
  /** Used for the value target. */
  value: Buffer;
  /** Used for the lease target. */
  lease: bigint;
}

export type RequestOp =
  | { type: 'range'; range: RangeRequest }
  | { type: 'put'; put: PutRequest }
  | { type: 'delete'; deleteRange: DeleteRangeRequest }
  | { type: 'txn'; txn: TxnRequest };

/**
 * One op's result inside a txn. `revision` is the header revision etcd 3.4 gives that op: the
 * revision before the txn until the txn has written something, the new one after (a nested txn's
 * own header is empty).
 */
export type ResponseOp =
  | { type: 'range'; range: RangeResult }
  | { type: 'put'; put: PutResult; revision: number }
  | { type: 'delete'; deleteRange: DeleteRangeResult; revision: number }
  | { type: 'txn'; txn: TxnResult };

export interface TxnRequest {
  compare: Compare[];
  success: RequestOp[];
  failure: RequestOp[];
}

export interface TxnResult {
  succeeded: boolean;
  responses: ResponseOp[];
}

/** Errors the store reports as values; the api layer maps them to etcd's gRPC errors. */
export type MvccError =
  | { kind: 'compacted' } // etcdserver: mvcc: required revision has been compacted
  | { kind: 'future_rev' } // etcdserver: mvcc: required revision is a future revision
  | { kind: 'key_not_found' } // etcdserver: key not found (put with ignore_value/ignore_lease on a missing key)
  | { kind: 'lease_not_found' }; // etcdserver: requested lease not found

export type Result<T, E = MvccError> = { ok: true; value: T } | { ok: false; error: E };

/** The outcome of one write request: its result, the revision it produced and its events. */
export interface WriteOutcome<T> {
  result: T;
  /** The store revision after the request (unchanged when it wrote nothing). */
  revision: number;
  /** Events in (revision, sub-revision) order, each with prevKv when the previous version existed. */
  events: MvccEvent[];
}

/** Lets the store check lease IDs without depending on the lease module. */
export interface LeaseLookup {
  exists(id: bigint): boolean;
}

/** A read of stored history (what a watch catches up from). */
export interface HistoryRequest {
  fromRevision: number;
  toRevision: number;
  key: Buffer;
  /** Same encoding as RangeRequest.rangeEnd. */
  rangeEnd: Buffer;
  /** Soft cap on the number of events (a revision is never split); <= 0 = no cap. */
  limit: number;
}

export interface HashKvResult {
  hash: number;
  /** The store's compacted revision. */
  compactRevision: number;
  /** The store's current revision (the header revision), whatever revision was hashed. */
  revision: number;
}
