import { describe, expect, it } from 'vitest';
import { formatGoDuration, parseGoDuration } from './go-duration.js';

describe('formatGoDuration', () => {
  it.each([
    [0n, '0s'],
    [999n, '999ns'],
    [1500n, '1.5µs'],
    [5_211_526n, '5.211526ms'],
    [10_000_000n, '10ms'],
    [1_500_000_000n, '1.5s'],
    [120_000_000_000n, '2m0s'],
    [3_723_000_000_000n, '1h2m3s'],
  ])('%d ns -> %s', (ns, s) => {
    expect(formatGoDuration(ns)).toBe(s);
  });
});

describe('parseGoDuration', () => {
  it.each([
    ['5s', 5000],
    ['500ms', 500],
    ['1m30s', 90_000],
    ['1.5s', 1500],
    ['0', 0],
  ])('%s -> %d ms', (s, ms) => {
    expect(parseGoDuration(s)).toBe(ms);
  });

  it('rejects junk', () => {
    expect(() => parseGoDuration('5')).toThrow('time: invalid duration "5"');
    expect(() => parseGoDuration('5sx')).toThrow();
    expect(() => parseGoDuration('')).toThrow();
  });
});
