// Range with etcd 3.4's semantics: mvcc's rangeKeys (revision checks, count)
// followed by the server's pruning, sorting and limit (etcdserver/apply.go).
import { toKeyRange } from './keyrange.js';
import { EMPTY, toKeyValue } from './rows.js';
import type { KvTables } from './tables.js';
import type { KeyValue, RangeRequest, RangeResult, Result, SortTarget } from './types.js';

/** The revisions a read runs against. */
export interface ReadView {
  /** The revision a read with revision 0 sees (the header revision). */
  revision: number;
  compactRevision: number;
}

export function executeRange(tables: KvTables, req: RangeRequest, view: ReadView): Result<RangeResult> {
  if (req.revision > view.revision) return { ok: false, error: { kind: 'future_rev' } };
  const at = req.revision <= 0 ? view.revision : req.revision;
  // Reading exactly at the compact revision is allowed: compaction keeps every
  // key's newest version at that revision.
  if (at < view.compactRevision) return { ok: false, error: { kind: 'compacted' } };

  const range = toKeyRange(req.key, req.rangeEnd);
  const atLatest = at === view.revision;
  const countAll = (): number => (atLatest ? tables.countLatest(range) : tables.countAt(range, at));

  // count is the number of keys in the range at that revision, whatever the
  // limit and the min/max filters.
  if (req.countOnly) return { ok: true, value: { kvs: [], more: false, count: countAll(), revision: view.revision } };

  // Sorting or filtering needs every key; otherwise fetch one extra for `more`.
  const needsAll =
    req.sortOrder !== 'none' ||
    req.minModRevision !== 0 ||
    req.maxModRevision !== 0 ||
    req.minCreateRevision !== 0 ||
    req.maxCreateRevision !== 0;
  const fetchLimit = needsAll || req.limit <= 0 ? 0 : req.limit + 1;
  const rows = atLatest ? tables.scanLatest(range, fetchLimit) : tables.scanAt(range, at, fetchLimit);
  const count = fetchLimit === 0 ? rows.length : countAll();

  let kvs = rows.map(toKeyValue).filter(
    (kv) =>
      (req.maxModRevision === 0 || kv.modRevision <= req.maxModRevision) &&
      (req.minModRevision === 0 || kv.modRevision >= req.minModRevision) &&
      (req.maxCreateRevision === 0 || kv.createRevision <= req.maxCreateRevision) &&
      (req.minCreateRevision === 0 || kv.createRevision >= req.minCreateRevision),
  );

  // etcd sorts ascending when a non-key target is given without an order.
  const order = req.sortOrder === 'none' && req.sortTarget !== 'key' ? 'ascend' : req.sortOrder;
  if (order !== 'none') {
    // Array.prototype.sort is stable, so ties keep ascending key order in both
    // directions (Go's sort.Sort leaves tie order unspecified).
    const cmp = comparator(req.sortTarget);
    kvs.sort(order === 'ascend' ? cmp : (a, b) => cmp(b, a));
  }

  let more = false;
  if (req.limit > 0 && kvs.length > req.limit) {
    kvs = kvs.slice(0, req.limit);
    more = true;
  }
  if (req.keysOnly) kvs = kvs.map((kv) => ({ ...kv, value: EMPTY }));
  return { ok: true, value: { kvs, more, count, revision: view.revision } };
}

function comparator(target: SortTarget): (a: KeyValue, b: KeyValue) => number {
  switch (target) {
    case 'key':
      return (a, b) => Buffer.compare(a.key, b.key);
    case 'version':
      return (a, b) => a.version - b.version;
    case 'create':
      return (a, b) => a.createRevision - b.createRevision;
    case 'mod':
      return (a, b) => a.modRevision - b.modRevision;
    case 'value':
      return (a, b) => Buffer.compare(a.value, b.value);
  }
}
