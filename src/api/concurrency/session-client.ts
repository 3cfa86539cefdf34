import type * as rpc from '../../gen/etcdserverpb.js';
import type { MvccEvent } from '../../mvcc/types.js';
import type { EtcdError } from '../errors.js';
import type { Reply } from '../handler.js';

/** One batch of watched events, with the header of the watch response that carried it. */
export interface WatchBatch {
  events: MvccEvent[];
  header: rpc.ResponseHeaderInit;
}

/** A watch's next batch, or why it ended (compaction, permission, cancellation). */
export type WatchNext = { ok: true; value: WatchBatch } | { ok: false; error: EtcdError };

export interface WatchFeed {
  next(): Promise<WatchNext>;
  cancel(): void;
}

/**
 * What etcd's concurrency recipes need of a clientv3 client, served in-process with the calling
 * client's credentials (as etcd's lock and election servers use an in-process client).
 */
export interface SessionClient {
  range(req: rpc.RangeRequestInit): Promise<Reply<rpc.RangeResponseInit>>;
  txn(req: rpc.TxnRequestInit): Promise<Reply<rpc.TxnResponseInit>>;
  deleteRange(req: rpc.DeleteRangeRequestInit): Promise<Reply<rpc.DeleteRangeResponseInit>>;
  /** A new lease of `ttl` seconds: its ID. */
  grant(ttl: number): Promise<Reply<bigint>>;
  /** Events on [key, rangeEnd) (etcd conventions) from `startRevision` on. */
  watch(key: Buffer, rangeEnd: Buffer, startRevision: number): WatchFeed;
}
