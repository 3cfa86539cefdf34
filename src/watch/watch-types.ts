import type { MvccEvent } from '../mvcc/types.js';
import type { WatchFilter } from './event-filter.js';

/** etcd's clientv3.AutoWatchID: a create request with this ID gets the next free ID of the stream. */
export const AUTO_WATCH_ID = 0;
/** etcd's clientv3.InvalidWatchID: failed creates, and progress responses for the whole stream. */
export const INVALID_WATCH_ID = -1;

/** WatchCreateRequest in domain form. */
export interface WatchCreateRequest {
  key: Buffer;
  /** etcd conventions: empty = the single key, [0x00] = every key >= key, else [key, rangeEnd). */
  rangeEnd: Buffer;
  /** 0 = only events after the current revision. May be in the future; < 0 is rejected. */
  startRevision: number;
  progressNotify: boolean;
  filters: WatchFilter[];
  prevKv: boolean;
  /** AUTO_WATCH_ID (0) = assign one. */
  watchId: number;
  fragment: boolean;
}

/** WatchResponse in domain form; the api layer adds cluster/member/raft term to the header. */
export interface WatchResponse {
  watchId: number;
  created: boolean;
  canceled: boolean;
  cancelReason: string;
  compactRevision: number;
  fragment: boolean;
  events: MvccEvent[];
  /** Header revision. */
  revision: number;
}

/** Why a create failed; the created+canceled response carrying `cancelReason` has already gone out. */
export type WatchCreateError =
  | { kind: 'compacted' } // negative start revision
  | { kind: 'empty_range' } // key >= range_end
  | { kind: 'duplicate_id' }
  | { kind: 'closed' }; // stream closed; nothing is sent

/** etcd 3.4's cancel_reason strings. */
export const CANCEL_REASON = {
  compacted: 'etcdserver: mvcc: required revision has been compacted',
  empty_range: 'mvcc: watcher range is empty',
  duplicate_id: 'mvcc: duplicate watch ID provided on the WatchStream',
} as const;

export function watchResponse(fields: Partial<WatchResponse> & { watchId: number; revision: number }): WatchResponse {
  return {
    created: false,
    canceled: false,
    cancelReason: '',
    compactRevision: 0,
    fragment: false,
    events: [],
    ...fields,
  };
}
