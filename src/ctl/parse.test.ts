import { describe, expect, it } from 'vitest';
import { parseInt64, parseIntArg } from './parse.js';

describe('parseInt64', () => {
  it('parses decimal and hex like strconv.ParseInt', () => {
    expect(parseInt64('60', 10)).toBe(60n);
    expect(parseInt64('-5', 10)).toBe(-5n);
    expect(parseInt64('1137a2149a5f9e13', 16)).toBe(0x1137a2149a5f9e13n);
    expect(parseIntArg('55')).toBe(55);
  });

  it('rejects with strconv messages', () => {
    expect(() => parseInt64('abc', 10)).toThrow('strconv.ParseInt: parsing "abc": invalid syntax');
    expect(() => parseInt64('0x10', 16)).toThrow('invalid syntax');
    expect(() => parseInt64('', 10)).toThrow('strconv.ParseInt: parsing "": invalid syntax');
    expect(() => parseInt64('8000000000000000', 16)).toThrow('value out of range');
  });
});
