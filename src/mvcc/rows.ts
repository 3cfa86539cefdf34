// A stored version (key-index.ts) in its domain forms.
import { keyBuffer, type Version } from './key-index.js';
import type { KeyValue, MvccEvent } from './types.js';

export const EMPTY = Buffer.alloc(0);

/** A key's version as a read returns it. */
export interface VersionRef {
  key: string;
  v: Version;
}

/** The KeyValue of a live (non-tombstone) version. */
export function toKeyValue(key: Buffer, v: Version, value: Buffer): KeyValue {
  return { key, createRevision: v.createRev, modRevision: v.rev, version: v.version, value, lease: v.lease };
}

/** etcd's delete event kv: the key and the delete's revision, everything else zero. */
export function tombstoneKeyValue(key: Buffer, revision: number): KeyValue {
  return { key, createRevision: 0, modRevision: revision, version: 0, value: EMPTY, lease: 0n };
}

export function toEvent(key: Buffer, v: Version, value: Buffer, prevKv: KeyValue | undefined): MvccEvent {
  const event: MvccEvent = v.tombstone ? { type: 'delete', kv: tombstoneKeyValue(key, v.rev) } : { type: 'put', kv: toKeyValue(key, v, value) };
  if (prevKv) event.prevKv = prevKv;
  return event;
}

export { keyBuffer };
