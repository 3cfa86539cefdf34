import { describe, expect, it } from 'vitest';
import { goQuote } from './go-quote.js';

// Expected values are what Go's strconv.Quote returns.
describe('goQuote', () => {
  it.each([
    ['foo', '"foo"'],
    ['a\nb\tc', '"a\\nb\\tc"'],
    ['say "hi" \\', '"say \\"hi\\" \\\\"'],
    ['\x01\x7f', '"\\x01\\x7f"'],
    ['héllo ✓', '"héllo ✓"'],
    ['\u00a0', '"\\u00a0"'],
  ])('%j', (input, quoted) => {
    expect(goQuote(input)).toBe(quoted);
  });

  it('shows invalid UTF-8 bytes as \\x escapes', () => {
    expect(goQuote(Buffer.from([0x61, 0xff, 0xc3]))).toBe('"a\\xff\\xc3"');
  });
});
