// The HPACK Huffman code, RFC 7541 Appendix B.
//
// The RFC's table is a canonical Huffman code: codes of equal length are
// consecutive in symbol order and each length starts at (last code of the
// shorter length + 1) shifted left. So the bit length of each symbol fully
// determines its code; the lengths below are the "len" column of Appendix B,
// and the codes are derived from them (checked against the RFC's code column
// and examples in huffman.test.ts).

/** Bit length of the code for each symbol 0..255 and EOS (256), 16 per row. */
export const HUFFMAN_CODE_LENGTHS: readonly number[] = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, // 0x00
  28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, // 0x10
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, //          ' ' .. '/'
  5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10, //               '0' .. '?'
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, //                 '@' .. 'O'
  7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, //              'P' .. '_'
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, //                 '`' .. 'o'
  6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, //             'p' .. 0x7f
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, // 0x80
  24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 0x90
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, // 0xa0
  21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 0xb0
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, // 0xc0
  19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 0xd0
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, // 0xe0
  26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 0xf0
  30, //                                                               EOS
];

export const EOS = 256;

/** Code of each symbol, right-aligned in the low HUFFMAN_CODE_LENGTHS[sym] bits. */
export const HUFFMAN_CODES: readonly number[] = canonicalCodes(HUFFMAN_CODE_LENGTHS);

function canonicalCodes(lengths: readonly number[]): number[] {
  const order = lengths.map((len, sym) => ({ len, sym })).sort((a, b) => a.len - b.len || a.sym - b.sym);
  const codes = new Array<number>(lengths.length).fill(0);
  let code = 0;
  let len = order[0]?.len ?? 0;
  for (const e of order) {
    code *= 2 ** (e.len - len); // not <<: 30-bit codes shifted would overflow int32 arithmetic
    len = e.len;
    codes[e.sym] = code;
    code += 1;
  }
  return codes;
}
