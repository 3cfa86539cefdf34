import type { ConfState, Entry } from '../types.js';

/**
 * The simulated application state: a hash chain over every applied entry.
 * Two nodes with the same (index, hash) applied the same sequence.
 */
export interface SimStateMachine {
  index: number;
  hash: number;
  conf: ConfState;
}

export function entryKey(e: Entry): string {
  return `${e.term}|${e.type}|${Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength).toString('latin1')}`;
}

export function chain(hash: number, key: string): number {
  let h = hash ^ 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function encodeSmSnapshot(sm: SimStateMachine): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ index: sm.index, hash: sm.hash }));
}

export function decodeSmSnapshot(data: Uint8Array): { index: number; hash: number } {
  if (data.length === 0) return { index: 0, hash: 0 };
  const v = JSON.parse(new TextDecoder().decode(data)) as { index: number; hash: number };
  return v;
}
