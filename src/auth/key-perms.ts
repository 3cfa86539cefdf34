import { Permission_Type, type Permission } from '../gen/authpb.js';

// Key-range matching for permissions. Both permissions and requests name keys etcd's way: an empty
// range_end is the single key, range_end "\0" is every key from `key` on, anything else is
// [key, range_end). Each becomes a half-open interval whose `end` null means "no upper bound".

export interface KeyInterval {
  start: Buffer;
  end: Buffer | null;
}

export type Access = 'read' | 'write';

const ZERO = Buffer.from([0]);

export function toInterval(key: Buffer, rangeEnd: Buffer): KeyInterval {
  if (rangeEnd.length === 0) return { start: key, end: Buffer.concat([key, ZERO]) };
  if (rangeEnd.length === 1 && rangeEnd[0] === 0) return { start: key, end: null };
  return { start: key, end: rangeEnd };
}

/** The intervals a set of permissions grants for one kind of access. */
export function grantedIntervals(perms: readonly Permission[], access: Access): KeyInterval[] {
  const wanted = access === 'read' ? Permission_Type.READ : Permission_Type.WRITE;
  return perms
    .filter((p) => p.permType === wanted || p.permType === Permission_Type.READWRITE)
    .map((p) => toInterval(p.key, p.range_end))
    .sort((a, b) => Buffer.compare(a.start, b.start));
}

/**
 * True when the union of `granted` (sorted by start) covers all of `want`. An empty or inverted
 * request range is refused rather than trivially allowed.
 */
export function covers(granted: readonly KeyInterval[], want: KeyInterval): boolean {
  if (want.end !== null && Buffer.compare(want.start, want.end) >= 0) return false;
  let reached: Buffer | null = want.start; // everything below `reached` is covered
  for (const g of granted) {
    if (Buffer.compare(g.start, reached) > 0) break; // a gap before this interval
    if (g.end === null) return true;
    if (Buffer.compare(g.end, reached) > 0) reached = g.end;
    if (want.end !== null && Buffer.compare(reached, want.end) >= 0) return true;
  }
  return false;
}
