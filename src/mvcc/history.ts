// Stored history as events, for watchers catching up.
import { toKeyRange } from './keyrange.js';
import { isTombstone, toEvent, toKeyValue, type VersionRow } from './rows.js';
import type { KvTables } from './tables.js';
import type { HistoryRequest, KeyValue, MvccEvent, Result } from './types.js';

/**
 * Events with fromRevision <= revision <= toRevision in (revision, sub) order.
 *
 * Like etcd's watchable store (a watcher is compacted when minRev < compactRev),
 * reading from exactly the compact revision is allowed; events at that revision
 * whose rows compaction removed (tombstones, superseded versions) are then
 * missing, as they are in etcd.
 */
export function readHistory(tables: KvTables, compactRevision: number, q: HistoryRequest): Result<MvccEvent[]> {
  if (q.fromRevision < compactRevision) return { ok: false, error: { kind: 'compacted' } };
  const events: MvccEvent[] = [];
  let lastRev = -1n;
  for (const row of tables.iterateHistory(toKeyRange(q.key, q.rangeEnd), q.fromRevision, q.toRevision)) {
    // Stop at the limit, but only between revisions.
    if (q.limit > 0 && events.length >= q.limit && row.rev !== lastRev) break;
    lastRev = row.rev;
    events.push(toEvent(row, previousLive(tables, row)));
  }
  return { ok: true, value: events };
}

/** The key's previous version when it was live; a put starting a generation has none. */
function previousLive(tables: KvTables, row: VersionRow): KeyValue | undefined {
  if (!isTombstone(row) && row.version === 1n) return undefined;
  const prev = tables.previousVersion(row.key, row.rev, row.sub);
  return prev && !isTombstone(prev) ? toKeyValue(prev) : undefined;
}
