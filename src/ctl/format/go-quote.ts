// Go's strconv.Quote (what fmt's %q prints for a string): printable runes as
// they are, the usual backslash escapes, invalid UTF-8 bytes as \xNN.

const SHORT_ESCAPES: Record<number, string> = {
  0x07: '\\a',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x0b: '\\v',
  0x22: '\\"',
  0x5c: '\\\\',
};

// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

function escapeRune(cp: number): string {
  const short = SHORT_ESCAPES[cp];
  if (short !== undefined) return short;
  const ch = String.fromCodePoint(cp);
  if (PRINTABLE.test(ch)) return ch;
  if (cp < 0x20 || cp === 0x7f) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

/** Length of the valid UTF-8 sequence starting at b[i], or 0 if invalid. */
function utf8Length(b: Buffer, i: number): number {
  const x = b[i]!;
  const cont = (k: number): boolean => i + k < b.length && (b[i + k]! & 0xc0) === 0x80;
  if (x < 0x80) return 1;
  if (x >= 0xc2 && x <= 0xdf) return cont(1) ? 2 : 0;
  if (x >= 0xe0 && x <= 0xef) {
    if (!cont(1) || !cont(2)) return 0;
    const y = b[i + 1]!;
    if ((x === 0xe0 && y < 0xa0) || (x === 0xed && y > 0x9f)) return 0;
    return 3;
  }
  if (x >= 0xf0 && x <= 0xf4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    const y = b[i + 1]!;
    if ((x === 0xf0 && y < 0x90) || (x === 0xf4 && y > 0x8f)) return 0;
    return 4;
  }
  return 0;
}

export function goQuote(s: string | Buffer): string {
  const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
  let out = '"';
  for (let i = 0; i < b.length; ) {
    const n = utf8Length(b, i);
    if (n === 0) {
      out += `\\x${b[i]!.toString(16).padStart(2, '0')}`;
      i++;
      continue;
    }
    out += escapeRune(b.subarray(i, i + n).toString('utf8').codePointAt(0)!);
    i += n;
  }
  return `${out}"`;
}
