// The key set a watcher covers, normalized once from etcd's (key, range_end) pair; the range type
// and its membership test are the MVCC store's.
import { keyInRange, toKeyRange, type KeyRange } from '../mvcc/keyrange.js';

export type { KeyRange };

const ZERO_KEY = Buffer.from([0]);

/**
 * Normalizes like etcd 3.4's v3rpc watch: an empty key becomes [0x00] (the smallest key), an empty
 * range_end means the single key, range_end [0x00] means every key >= key. Returns null for an empty
 * range (key >= range_end), which etcd rejects with "mvcc: watcher range is empty".
 */
export function keyRangeOf(key: Buffer, rangeEnd: Buffer): KeyRange | null {
  const r = toKeyRange(key.length === 0 ? ZERO_KEY : key, rangeEnd);
  return r.kind === 'between' && Buffer.compare(r.key, r.end) >= 0 ? null : r;
}

/** Whether `key` is in the range: the store's own test, so watchers and ranges agree. */
export const rangeContains = keyInRange;

/** The range back in etcd's (key, rangeEnd) form, as HistorySource expects it. */
export function rangeEndOf(r: KeyRange): Buffer {
  switch (r.kind) {
    case 'single':
      return Buffer.alloc(0);
    case 'from':
      return ZERO_KEY;
    case 'between':
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
    case 'between':
      return `r:${r.key.length}:${k}${r.end.toString('latin1')}`;
  }
}
