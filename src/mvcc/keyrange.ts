// etcd's (key, range_end) encoding of a key interval, resolved once so the SQL
// can use a plain index range (=, >=, or >= and <) instead of an OR per row.

export type KeyRange =
  | { kind: 'single'; key: Buffer }
  /** range_end = [0x00]: every key >= key (key = [0x00] too: all keys). */
  | { kind: 'from'; key: Buffer }
  /** [key, end); empty when end <= key. */
  | { kind: 'between'; key: Buffer; end: Buffer };

export function toKeyRange(key: Buffer, rangeEnd: Buffer): KeyRange {
  if (rangeEnd.length === 0) return { kind: 'single', key };
  if (rangeEnd.length === 1 && rangeEnd[0] === 0) return { kind: 'from', key };
  return { kind: 'between', key, end: rangeEnd };
}

/** SQL condition on a BLOB column, using the named parameters of keyRangeParams. */
export function keyRangeSql(range: KeyRange, column: string): string {
  switch (range.kind) {
    case 'single':
      return `${column} = @key`;
    case 'from':
      return `${column} >= @key`;
    case 'between':
      return `${column} >= @key AND ${column} < @end`;
  }
}

export function keyRangeParams(range: KeyRange): { key: Buffer; end: Buffer | null } {
  return { key: range.key, end: range.kind === 'between' ? range.end : null };
}

export function keyInRange(range: KeyRange, key: Buffer): boolean {
  switch (range.kind) {
    case 'single':
      return key.equals(range.key);
    case 'from':
      return Buffer.compare(key, range.key) >= 0;
    case 'between':
      return Buffer.compare(key, range.key) >= 0 && Buffer.compare(key, range.end) < 0;
  }
}
