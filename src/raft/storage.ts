import type { StorageError } from './errors.js';
import type { ConfState, Entry, HardState, Snapshot } from './types.js';

/**
 * Read access to the durable log. Raft only reads through this interface;
 * the application writes to it while handling a Ready.
 *
 * Index `firstIndex() - 1` is the last index covered by the snapshot; its
 * term must still be answerable by `term()`.
 */
export interface Storage {
  /** The persisted hard state and the configuration as of the applied index. */
  initialState(): { hardState: HardState; confState: ConfState };
  /** Entries [lo, hi), at least one if any exist, trimmed to maxSize bytes. */
  entries(lo: number, hi: number, maxSize: number): Entry[] | StorageError;
  term(index: number): number | StorageError;
  firstIndex(): number;
  lastIndex(): number;
  /** The most recent snapshot; 'snapshot-temporarily-unavailable' if not ready. */
  snapshot(): Snapshot | StorageError;
}
