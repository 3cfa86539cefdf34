// Txn compares, as etcd 3.4 evaluates them (etcdserver/apply.go applyCompare):
// against the latest version of every key in the compare's range.
import { liveOf } from './key-index.js';
import { toKeyRange } from './keyrange.js';
import { EMPTY, keyBuffer, toKeyValue } from './rows.js';
import type { KvTables } from './tables.js';
import type { Compare, KeyValue } from './types.js';

/** What etcd compares a missing key against: a zero KeyValue. */
const MISSING: KeyValue = { key: EMPTY, value: EMPTY, createRevision: 0, modRevision: 0, version: 0, lease: 0n };

/**
 * True when every key in the range satisfies the compare. A range with no keys
 * compares as one zero KeyValue (version/create/mod/lease = 0), except that a
 * value compare on no keys always fails: gRPC cannot tell a missing value from
 * an empty one.
 */
export function compareHolds(tables: KvTables, c: Compare): boolean {
  const range = toKeyRange(c.key, c.rangeEnd);
  let seen = false;
  let holds = true;
  tables.index.scan(range, (key, versions) => {
    const v = liveOf(versions);
    if (v === undefined) return true;
    seen = true;
    // Only a value compare reads the value.
    const kv = toKeyValue(keyBuffer(key), v, c.target === 'value' ? tables.value(v.id) : EMPTY);
    holds = compareKeyValue(c, kv);
    return holds;
  });
  if (seen) return holds;
  return c.target !== 'value' && compareKeyValue(c, MISSING);
}

function compareKeyValue(c: Compare, kv: KeyValue): boolean {
  const r = order(c, kv);
  switch (c.result) {
    case 'equal':
      return r === 0;
    case 'not_equal':
      return r !== 0;
    case 'greater':
      return r > 0;
    case 'less':
      return r < 0;
  }
}

/** Sign of (kv's target - the compare's operand). Lease IDs compare as signed int64. */
function order(c: Compare, kv: KeyValue): number {
  switch (c.target) {
    case 'value':
      return Buffer.compare(kv.value, c.value);
    case 'version':
      return Math.sign(kv.version - c.number);
    case 'create':
      return Math.sign(kv.createRevision - c.number);
    case 'mod':
      return Math.sign(kv.modRevision - c.number);
    case 'lease':
      return kv.lease < c.lease ? -1 : kv.lease > c.lease ? 1 : 0;
  }
}
