// Compaction (etcd mvcc store.Compact): validation and the physical removal.
import type { RevisionMeta } from './meta.js';
import type { KvTables } from './tables.js';
import type { MvccError } from './types.js';

/** etcd's order of checks: rev <= compacted → compacted, then rev > current → future_rev. */
export function checkCompact(meta: RevisionMeta, rev: number): MvccError | undefined {
  if (rev <= meta.compacted()) return { kind: 'compacted' };
  if (rev > meta.current()) return { kind: 'future_rev' };
  return undefined;
}

/**
 * Removes history at or below `rev` except each key's newest version there
 * (unless that is a tombstone), then records the new compact revision. The
 * current revision does not change. Run inside a savepoint.
 */
export function compactTo(tables: KvTables, meta: RevisionMeta, rev: number): number {
  const removed = tables.compact(meta.compacted(), rev);
  meta.setCompacted(rev);
  return removed;
}
