// Output assembled as lines that may hold raw bytes: keys and values are
// printed as stored, not re-encoded.

export type Line = string | Buffer;

/** Every line followed by "\n", as one buffer. */
export function joinLines(lines: readonly Line[]): Buffer {
  const parts: Buffer[] = [];
  for (const l of lines) {
    parts.push(typeof l === 'string' ? Buffer.from(l, 'utf8') : l, NEWLINE);
  }
  return Buffer.concat(parts);
}

const NEWLINE = Buffer.from('\n');
