import { describe, expect, it } from 'vitest';
import type { MvccEvent } from '../mvcc/types.js';
import { eventSize, splitForFragments } from './fragment.js';

function ev(i: number, valueBytes: number): MvccEvent {
  return {
    type: 'put',
    kv: { key: Buffer.from(`k${i}`), value: Buffer.alloc(valueBytes), createRevision: 2, modRevision: 2, version: 1, lease: 0n },
  };
}

describe('splitForFragments', () => {
  it('keeps a response that fits, or a single event, whole', () => {
    const evs = [ev(1, 10), ev(2, 10)];
    expect(splitForFragments(evs, 10_000)).toEqual([evs]);
    const big = [ev(1, 50_000)];
    expect(splitForFragments(big, 1000)).toEqual([big]);
  });

  it('packs events under the limit, at least one per fragment, in order', () => {
    const evs = Array.from({ length: 20 }, (_, i) => ev(i, i === 7 ? 5000 : 300));
    const parts = splitForFragments(evs, 1000);
    expect(parts.flat()).toEqual(evs);
    for (const p of parts) {
      expect(p.length).toBeGreaterThan(0);
      if (p.length > 1) expect(p.reduce((s, e) => s + eventSize(e), 64)).toBeLessThan(1000);
    }
    expect(parts.length).toBeGreaterThan(5);
  });
});
