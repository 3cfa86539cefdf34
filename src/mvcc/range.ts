// Range with etcd 3.4's semantics: mvcc's rangeKeys (revision checks, count)
// followed by the server's pruning, sorting and limit (etcdserver/apply.go).
import { toKeyRange } from './keyrange.js';
import { EMPTY, keyBuffer, toKeyValue, type VersionRef } from './rows.js';
import type { KvTables } from './tables.js';
import type { RangeRequest, RangeResult, Result, SortTarget } from './types.js';

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
  const countAll = (): number => tables.count(range, at);

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
  const all = tables.scan(range, at, fetchLimit);
  const count = fetchLimit === 0 ? all.length : countAll();

  let refs = all.filter(
    ({ v }) =>
      (req.maxModRevision === 0 || v.rev <= req.maxModRevision) &&
      (req.minModRevision === 0 || v.rev >= req.minModRevision) &&
      (req.maxCreateRevision === 0 || v.createRev <= req.maxCreateRevision) &&
      (req.minCreateRevision === 0 || v.createRev >= req.minCreateRevision),
  );

  // etcd sorts ascending when a non-key target is given without an order.
  const order = req.sortOrder === 'none' && req.sortTarget !== 'key' ? 'ascend' : req.sortOrder;
  // Values are read only for what is returned, or for every key when sorting by value.
  const byValue = order !== 'none' && req.sortTarget === 'value';
  const values = new Map<VersionRef, Buffer>();
  if (byValue) for (const ref of refs) values.set(ref, tables.value(ref.v.id));
  if (order !== 'none') {
    // Array.prototype.sort is stable, so ties keep ascending key order in both
    // directions (Go's sort.Sort leaves tie order unspecified).
    const cmp = comparator(req.sortTarget, (ref) => values.get(ref) ?? EMPTY);
    refs.sort(order === 'ascend' ? cmp : (a, b) => cmp(b, a));
  }

  let more = false;
  if (req.limit > 0 && refs.length > req.limit) {
    refs = refs.slice(0, req.limit);
    more = true;
  }
  const kvs = refs.map((ref) =>
    toKeyValue(keyBuffer(ref.key), ref.v, req.keysOnly ? EMPTY : (values.get(ref) ?? tables.value(ref.v.id))),
  );
  return { ok: true, value: { kvs, more, count, revision: view.revision } };
}

function comparator(target: SortTarget, valueOf: (ref: VersionRef) => Buffer): (a: VersionRef, b: VersionRef) => number {
  switch (target) {
    case 'key':
      return (a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
    case 'version':
      return (a, b) => a.v.version - b.v.version;
    case 'create':
      return (a, b) => a.v.createRev - b.v.createRev;
    case 'mod':
      return (a, b) => a.v.rev - b.v.rev;
    case 'value':
      return (a, b) => Buffer.compare(valueOf(a), valueOf(b));
  }
}
