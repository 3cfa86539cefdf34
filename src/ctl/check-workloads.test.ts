import { describe, expect, it } from 'vitest';
import { randomKey } from './check-workloads.js';

/** Go's binary.PutVarint of a non-negative int63 (zig-zag, then 7 bits a byte), the plain way. */
function goPutVarint(v: bigint): number[] {
  let u = v << 1n;
  const out: number[] = [];
  while (u >= 0x80n) {
    out.push(Number(u & 0x7fn) | 0x80);
    u >>= 7n;
  }
  out.push(Number(u));
  return out;
}

/** The int63 a key holds after its prefix (decoding what goPutVarint wrote). */
function decode(bytes: Buffer): { v: bigint; len: number } {
  let u = 0n;
  for (let i = 0; ; i++) {
    u |= BigInt(bytes[i]! & 0x7f) << BigInt(7 * i);
    if ((bytes[i]! & 0x80) === 0) return { v: u >> 1n, len: i + 1 };
  }
}

describe('randomKey', () => {
  it("writes the prefix, a random int63 as Go's PutVarint does, then zeros", () => {
    const prefix = Buffer.from('/p/');
    let top = 0;
    for (let n = 0; n < 5000; n++) {
      const key = randomKey(prefix, 512);
      expect(key.length).toBe(prefix.length + 512);
      expect(key.subarray(0, prefix.length)).toEqual(prefix);
      const { v, len } = decode(key.subarray(prefix.length));
      expect(v < 1n << 63n).toBe(true);
      expect([...key.subarray(prefix.length, prefix.length + len)]).toEqual(goPutVarint(v));
      expect(key.subarray(prefix.length + len).every((b) => b === 0)).toBe(true);
      if (v >= 1n << 62n) top++;
    }
    // Half the values have bit 62 set: the whole range is drawn, not only the low bits.
    expect(top).toBeGreaterThan(2000);
    expect(top).toBeLessThan(3000);
  });
});
