import { describe, expect, it } from 'vitest';
import { keyInRange, keyRangeSql, toKeyRange } from './keyrange.js';

const b = (s: string): Buffer => Buffer.from(s);

describe('toKeyRange', () => {
  it('empty range_end is the single key', () => {
    const r = toKeyRange(b('a'), Buffer.alloc(0));
    expect(r.kind).toBe('single');
    expect(keyInRange(r, b('a'))).toBe(true);
    expect(keyInRange(r, b('ab'))).toBe(false);
    expect(keyRangeSql(r, 'k')).toBe('k = @key');
  });

  it('[0x00] is every key >= key', () => {
    const r = toKeyRange(b('b'), Buffer.from([0]));
    expect(r.kind).toBe('from');
    expect(keyInRange(r, b('a'))).toBe(false);
    expect(keyInRange(r, b('b'))).toBe(true);
    expect(keyInRange(r, Buffer.from([0xff, 0xff]))).toBe(true);
  });

  it('key [0x00] with range_end [0x00] is every key', () => {
    const r = toKeyRange(Buffer.from([0]), Buffer.from([0]));
    expect(keyInRange(r, Buffer.from([0]))).toBe(true);
    expect(keyInRange(r, Buffer.from([1]))).toBe(true);
  });

  it('otherwise [key, range_end) byte-wise', () => {
    const r = toKeyRange(b('a'), b('c'));
    expect(r.kind).toBe('between');
    expect(keyInRange(r, b('a'))).toBe(true);
    expect(keyInRange(r, b('bzzz'))).toBe(true);
    expect(keyInRange(r, b('c'))).toBe(false);
    // A longer range_end like [0x00, 0x00] is an ordinary bound, not "from key".
    const r2 = toKeyRange(Buffer.from([0]), Buffer.from([0, 0]));
    expect(r2.kind).toBe('between');
    expect(keyInRange(r2, Buffer.from([0]))).toBe(true);
    expect(keyInRange(r2, Buffer.from([0, 0]))).toBe(false);
  });
});
