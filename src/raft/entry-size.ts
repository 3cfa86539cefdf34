import type { Entry } from './types.js';

/** Fixed per-entry overhead so empty entries still count toward byte limits. */
const ENTRY_OVERHEAD = 16;

export function entrySize(e: Entry): number {
  return e.data.length + ENTRY_OVERHEAD;
}

export function entriesSize(ents: readonly Entry[]): number {
  let n = 0;
  for (const e of ents) n += entrySize(e);
  return n;
}

/** Longest prefix within maxSize bytes, but always at least one entry. */
export function limitSize(ents: Entry[], maxSize: number): Entry[] {
  if (ents.length === 0) return ents;
  let size = entrySize(ents[0]);
  let n = 1;
  for (; n < ents.length; n++) {
    size += entrySize(ents[n]);
    if (size > maxSize) break;
  }
  return n === ents.length ? ents : ents.slice(0, n);
}
