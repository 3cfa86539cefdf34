import { describe, expect, it } from 'vitest';
import { keyRangeOf, rangeContains, rangeEndOf } from './key-range.js';
import { b } from '../../test/support/watch-kit.js';

describe('keyRangeOf', () => {
  it('maps etcd key/range_end conventions', () => {
    expect(keyRangeOf(b('a'), Buffer.alloc(0))).toEqual({ kind: 'single', key: b('a') });
    expect(keyRangeOf(b('a'), Buffer.from([0]))).toEqual({ kind: 'from', key: b('a') });
    expect(keyRangeOf(b('a'), b('c'))).toEqual({ kind: 'between', key: b('a'), end: b('c') });
  });

  it('treats an empty key as [0x00], like etcd', () => {
    expect(keyRangeOf(Buffer.alloc(0), Buffer.alloc(0))).toEqual({ kind: 'single', key: Buffer.from([0]) });
    const all = keyRangeOf(Buffer.alloc(0), Buffer.from([0]))!;
    expect(rangeContains(all, b('anything'))).toBe(true);
  });

  it('rejects key >= range_end', () => {
    expect(keyRangeOf(b('b'), b('b'))).toBeNull();
    expect(keyRangeOf(b('c'), b('b'))).toBeNull();
  });

  it('matches keys', () => {
    const r = keyRangeOf(b('b'), b('d'))!;
    expect(['a', 'b', 'bz', 'c', 'd', 'e'].map((k) => rangeContains(r, b(k)))).toEqual([false, true, true, true, false, false]);
    const f = keyRangeOf(b('b'), Buffer.from([0]))!;
    expect(['a', 'b', 'zz'].map((k) => rangeContains(f, b(k)))).toEqual([false, true, true]);
    expect(rangeEndOf(f)).toEqual(Buffer.from([0]));
  });
});
