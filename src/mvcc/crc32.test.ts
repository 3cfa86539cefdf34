import { describe, expect, it } from 'vitest';
import { crc32Ieee, crc32c } from './crc32.js';

describe('crc32', () => {
  const check = Buffer.from('123456789');

  it('matches the standard check values', () => {
    expect(crc32Ieee.checksum(check)).toBe(0xcbf43926);
    expect(crc32c.checksum(check)).toBe(0xe3069283);
  });

  it('is 0 for no input and unsigned otherwise', () => {
    expect(crc32c.checksum(Buffer.alloc(0))).toBe(0);
    const v = crc32Ieee.checksum(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    expect(v).toBe(0xffffffff);
    expect(v).toBeGreaterThan(0);
  });

  it('update continues a checksum across chunks', () => {
    const whole = crc32c.checksum(check);
    let crc = 0;
    for (const part of [check.subarray(0, 2), check.subarray(2, 7), check.subarray(7)]) crc = crc32c.update(crc, part);
    expect(crc).toBe(whole);
  });
});
