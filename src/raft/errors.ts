// Typed error values. Callers are expected to branch on `reason`/`error`;
// nothing here is thrown. Thrown Errors mean a broken invariant (a bug or
// corrupted storage), never a condition a caller should handle.

export type DropReason =
  /** No leader is known; retry after an election. */
  | 'no-leader'
  /** The leader is transferring leadership; retry shortly. */
  | 'leader-transferring'
  /** A configuration change is still pending (not yet applied by the leader). */
  | 'conf-change-pending'
  /** This node is not in the configuration (e.g. it was removed). */
  | 'not-a-member'
  /** Forwarding to the leader is disabled and this node is not the leader. */
  | 'not-leader';

export interface ProposeError {
  readonly type: 'proposal-dropped';
  readonly reason: DropReason;
}

export function dropped(reason: DropReason): ProposeError {
  return { type: 'proposal-dropped', reason };
}

export type StorageErrorKind =
  /** The requested index is older than the first available one. */
  | 'compacted'
  /** The requested index is past the last one. */
  | 'unavailable'
  /** No snapshot can be produced right now; the leader retries later. */
  | 'snapshot-temporarily-unavailable'
  /** A snapshot older than the current one was offered. */
  | 'snapshot-out-of-date';

export interface StorageError {
  readonly error: StorageErrorKind;
}

export function storageError(error: StorageErrorKind): StorageError {
  return { error };
}

export function isStorageError(x: unknown): x is StorageError {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && 'error' in x;
}
