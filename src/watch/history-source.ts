import type { MvccEvent, Result } from '../mvcc/types.js';

/** One history read: events with fromRevision <= rev <= toRevision for keys in [key, rangeEnd). */
export interface HistoryQuery {
  fromRevision: number;
  toRevision: number;
  key: Buffer;
  /** etcd conventions: empty = the single key, [0x00] = every key >= key, else [key, rangeEnd). */
  rangeEnd: Buffer;
  /** Soft cap on the number of events: a revision is never split, so the result may exceed it. */
  limit: number;
}

/**
 * The narrow view of the MVCC store the watch subsystem reads history from.
 * MvccStore satisfies it; the watch code never imports the store itself.
 */
export interface HistorySource {
  currentRevision(): number;
  compactRevision(): number;
  /**
   * Events ordered by (revision, sub-revision), each carrying prevKv when the key's previous version
   * existed; at most `limit` events but never splitting a revision; error {kind:'compacted'} if
   * fromRevision < compactRevision.
   */
  history(q: HistoryQuery): Result<MvccEvent[]>;
}
