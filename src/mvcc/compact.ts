// Compaction (etcd mvcc store.Compact): validation, the index compaction (at once, so every read
// and hash after it agrees on every member), and the removal of the dropped rows from disk, which
// runs later in bounded batches beside the writes, as etcd's does.
import type { RevisionMeta } from './meta.js';
import type { KvTables } from './tables.js';
import type { MvccError } from './types.js';

/** etcd's order of checks: rev <= compacted → compacted, then rev > current → future_rev. */
export function checkCompact(meta: RevisionMeta, rev: number): MvccError | undefined {
  if (rev <= meta.compacted()) return { kind: 'compacted' };
  if (rev > meta.current()) return { kind: 'future_rev' };
  return undefined;
}

/** Rows waiting to be removed from disk, removed a batch at a time. */
export class RowRemoval {
  private pending: number[] = [];
  /** Rows before this position in `pending` are removed already. */
  private head = 0;

  constructor(private readonly tables: KvTables) {}

  clear(): void {
    this.pending = [];
    this.head = 0;
  }

  add(ids: readonly number[]): void {
    for (const id of ids) this.pending.push(id);
  }

  size(): number {
    return this.pending.length - this.head;
  }

  /** Removes up to `max` rows; returns how many are still waiting. */
  removeSome(max: number): number {
    const end = Math.min(this.pending.length, this.head + max);
    if (end > this.head) this.tables.removeRows(this.pending.slice(this.head, end));
    this.head = end;
    if (this.head === this.pending.length) {
      this.pending = [];
      this.head = 0;
    }
    return this.size();
  }
}

/**
 * Compacts the index at `rev` and records the new compact revision; the dropped rows go to
 * `removal`. The current revision does not change.
 */
export function compactTo(tables: KvTables, meta: RevisionMeta, removal: RowRemoval, rev: number): number {
  const dropped = tables.index.compact(rev);
  meta.setCompacted(rev);
  removal.add(dropped);
  return dropped.length;
}
