// One stored version of a key as SQLite returns it (safeIntegers: every
// INTEGER is a bigint, so int64 lease IDs survive), and its domain forms.
import type { KeyValue, MvccEvent } from './types.js';

export interface VersionRow {
  rev: bigint;
  sub: bigint;
  key: Buffer;
  value: Buffer;
  create_rev: bigint;
  version: bigint;
  lease: bigint;
  tombstone: bigint;
}

export const EMPTY = Buffer.alloc(0);

export function isTombstone(row: VersionRow): boolean {
  return row.tombstone !== 0n;
}

/** The KeyValue of a live (non-tombstone) version. */
export function toKeyValue(row: VersionRow): KeyValue {
  return {
    key: row.key,
    createRevision: Number(row.create_rev),
    modRevision: Number(row.rev),
    version: Number(row.version),
    value: row.value,
    lease: row.lease,
  };
}

/** etcd's delete event kv: the key and the delete's revision, everything else zero. */
export function tombstoneKeyValue(key: Buffer, revision: number): KeyValue {
  return { key, createRevision: 0, modRevision: revision, version: 0, value: EMPTY, lease: 0n };
}

export function toEvent(row: VersionRow, prevKv: KeyValue | undefined): MvccEvent {
  const event: MvccEvent = isTombstone(row)
    ? { type: 'delete', kv: tombstoneKeyValue(row.key, Number(row.rev)) }
    : { type: 'put', kv: toKeyValue(row) };
  if (prevKv) event.prevKv = prevKv;
  return event;
}
