import { describe, expect, it } from 'vitest';
import { grpcTarget, splitEndpoints } from './endpoints.js';
import { ALL_KEYS_END, prefixEnd, resolveRange } from './key-range.js';

describe('key ranges', () => {
  it('prefixEnd increments the last byte below 0xff', () => {
    expect(prefixEnd(Buffer.from('/p/')).toString()).toBe('/p0');
    expect(prefixEnd(Buffer.from([0x61, 0xff, 0xff]))).toEqual(Buffer.from([0x62]));
    expect(prefixEnd(Buffer.from([0xff]))).toEqual(ALL_KEYS_END);
  });

  it('resolveRange covers single keys, explicit ends, prefixes and from-key', () => {
    expect(resolveRange('k')).toEqual({ key: Buffer.from('k'), range_end: undefined });
    expect(resolveRange('a', { end: 'c' })).toEqual({ key: Buffer.from('a'), range_end: Buffer.from('c') });
    expect(resolveRange('a', { prefix: true })).toEqual({ key: Buffer.from('a'), range_end: Buffer.from('b') });
    expect(resolveRange('', { prefix: true })).toEqual({ key: ALL_KEYS_END, range_end: ALL_KEYS_END });
    expect(resolveRange('', { fromKey: true })).toEqual({ key: ALL_KEYS_END, range_end: ALL_KEYS_END });
    expect(resolveRange('m', { fromKey: true })).toEqual({ key: Buffer.from('m'), range_end: ALL_KEYS_END });
  });
});

describe('endpoints', () => {
  it('accepts host:port, http and https URLs', () => {
    expect(grpcTarget('127.0.0.1:2379')).toBe('127.0.0.1:2379');
    expect(grpcTarget('http://127.0.0.1:2379')).toBe('127.0.0.1:2379');
    expect(grpcTarget(' http://localhost:2379/ ')).toBe('localhost:2379');
    expect(grpcTarget('https://x:1')).toBe('x:1');
    expect(() => grpcTarget('unix://x')).toThrow(/only http:\/\/ and https:\/\//);
    expect(splitEndpoints('a:1, http://b:2,,')).toEqual(['a:1', 'http://b:2']);
  });
});
