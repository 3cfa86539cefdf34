// Stored history as events, for watchers catching up.
import { keyString } from './key-index.js';
import { toKeyRange } from './keyrange.js';
import { toEvent, toKeyValue } from './rows.js';
import type { HistoryRow, KvTables } from './tables.js';
import type { HistoryRequest, KeyValue, MvccEvent, Result } from './types.js';

/**
 * Events with fromRevision <= revision <= toRevision in (revision, sub) order.
 *
 * Like etcd's watchable store (a watcher is compacted when minRev < compactRev),
 * reading from exactly the compact revision is allowed; events at that revision
 * whose rows compaction removed (tombstones, superseded versions) are then
 * missing, as they are in etcd. Rows compaction dropped from the index but not
 * yet from disk are skipped, so every member answers alike.
 */
export function readHistory(tables: KvTables, compactRevision: number, q: HistoryRequest): Result<MvccEvent[]> {
  if (q.fromRevision < compactRevision) return { ok: false, error: { kind: 'compacted' } };
  const range = toKeyRange(q.key, q.rangeEnd);
  const events: MvccEvent[] = [];
  let lastRev = -1;
  for (const row of tables.history(range, q.fromRevision, q.toRevision)) {
    if (row.v.rev <= compactRevision && !indexed(tables, row)) continue;
    // Stop at the limit, but only between revisions.
    if (q.limit > 0 && events.length >= q.limit && row.v.rev !== lastRev) break;
    lastRev = row.v.rev;
    events.push(toEvent(row.key, row.v, row.value, previousLive(tables, row)));
  }
  return { ok: true, value: events };
}

function indexed(tables: KvTables, row: HistoryRow): boolean {
  return tables.index.get(keyString(row.key))?.some((v) => v.id === row.v.id) ?? false;
}

/** The key's previous version when it was live; a put starting a generation has none. */
function previousLive(tables: KvTables, row: HistoryRow): KeyValue | undefined {
  if (!row.v.tombstone && row.v.version === 1) return undefined;
  const prev = tables.previousVersion(keyString(row.key), row.v.rev, row.v.sub);
  return prev && !prev.tombstone ? toKeyValue(row.key, prev, tables.value(prev.id)) : undefined;
}
