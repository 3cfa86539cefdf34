// The key set a watcher covers, normalized once from etcd's (key, range_end) pair.

export type KeyRange =
  | { kind: 'single'; key: Buffer }
  | { kind: 'from'; key: Buffer }
  | { kind: 'range'; key: Buffer; end: Buffer };

const ZERO_KEY = Buffer.from([0]);

/**
 * Normalizes like etcd 3.4's v3rpc watch: an empty key becomes [0x00] (the smallest key), an empty
 * range_end means the single key, range_end [0x00] means every key >= key. Returns null for an empty
 * range (key >= range_end), which etcd rejects with "mvcc: watcher range is empty".
 */
export function keyRangeOf(key: Buffer, rangeEnd: Buffer): KeyRange | null {
  const k = key.length === 0 ? ZERO_KEY : key;
  if (rangeEnd.length === 0) return { kind: 'single', key: k };
  if (rangeEnd.length === 1 && rangeEnd[0] === 0) return { kind: 'from', key: k };
  if (Buffer.compare(k, rangeEnd) >= 0) return null;
  return { kind: 'range', key: k, end: rangeEnd };
}

export function rangeContains(r: KeyRange, key: Buffer): boolean {
  switch (r.kind) {
    case 'single':
      return key.equals(r.key);
    case 'from':
      return Buffer.compare(key, r.key) >= 0;
    case 'range':
      return Buffer.compare(key, r.key) >= 0 && Buffer.compare(key, r.end) < 0;
  }
}

/** The range back in etcd's (key, rangeEnd) form, as HistorySource expects it. */
export function rangeEndOf(r: KeyRange): Buffer {
  switch (r.kind) {
    case 'single':
      return Buffer.alloc(0);
    case 'from':
      return ZERO_KEY;
    case 'range':
      return r.end;
  }
}

/** A string that identifies the range exactly (latin1 maps bytes 1:1), for grouping identical ranges. */
export function rangeId(r: KeyRange): string {
  const k = r.key.toString('latin1');
  switch (r.kind) {
    case 'single':
      return `s:${k}`;
    case 'from':
      return `f:${k}`;
    case 'range':
      return `r:${r.key.length}:${k}${r.end.toString('latin1')}`;
  }
}
