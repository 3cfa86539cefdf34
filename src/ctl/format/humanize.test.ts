import { describe, expect, it } from 'vitest';
import { humanizeBytes } from './humanize.js';

describe('humanizeBytes', () => {
  it.each([
    [0, '0 B'],
    [9, '9 B'],
    [999, '999 B'],
    [1000, '1.0 kB'],
    [1500, '1.5 kB'],
    [20480, '20 kB'], // 20.5 rounds half to even, as Go prints it
    [24576, '25 kB'],
    [32768, '33 kB'],
    [53248, '53 kB'],
    [2_500_000, '2.5 MB'],
    [2 * 1024 ** 3, '2.1 GB'],
  ])('%d -> %s', (n, s) => {
    expect(humanizeBytes(n)).toBe(s);
  });
});
