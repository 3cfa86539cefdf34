// Walks HPACK header blocks (RFC 7541 §6) in order, mirroring the server's
// decoder state (dynamic table names and sizes), and rewrites :authority
// values that nghttp2 would reject. A rewritten value keeps its decoded
// length (invalid octets become '_') so entry sizes, and thus evictions, stay
// identical on both sides; only its encoding changes, to a plain literal.
import { isValidAuthority, sanitizeAuthority } from './authority.js';
import { ENTRY_OVERHEAD, DynamicTable } from './hpack-dynamic-table.js';
import { STATIC_NAMES } from './hpack-static-names.js';
import { HuffmanError, huffmanDecodeInto } from './huffman.js';

export class HpackError extends Error {}

const AUTHORITY = ':authority';
const AUTHORITY_BYTES = Buffer.from(AUTHORITY, 'latin1');
/** nghttp2 decodes integers into 32 bits; anything larger is an error there too. */
const MAX_INT = 2 ** 32 - 1;

interface Edit {
  start: number;
  end: number;
  replacement: Buffer;
}

export class HeaderBlockRewriter {
  readonly table: DynamicTable;
  /** :authority values rewritten so far. */
  rewrites = 0;
  // Cursor state for the block being walked (fields, not returns, to avoid allocation).
  private block: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private strHuffman = false;
  private strStart = 0;
  private strEnd = 0;
  private scratch = Buffer.alloc(256);

  constructor(maxTableSize = 4096) {
    this.table = new DynamicTable(maxTableSize);
  }

  /**
   * Processes one complete header block, updating the table. Returns the
   * block with invalid :authority values rewritten, or null when nothing
   * changed. Throws HpackError on malformed input (the table is then unusable).
   */
  rewrite(block: Uint8Array): Buffer | null {
    this.block = block;
    this.pos = 0;
    let edits: Edit[] | null = null;
    try {
      while (this.pos < block.length) {
        const b = block[this.pos] ?? 0;
        if (b & 0x80) {
          // §6.1 indexed field: no table change; a reference to an :authority entry
          // needs nothing either, since the server's copy holds the rewritten value.
          if (this.nameOf(this.readInt(7)) === undefined) throw new HpackError('indexed field with index 0');
        } else if (b & 0x40) {
          edits = this.literal(6, true, edits); // §6.2.1 with incremental indexing
        } else if (b & 0x20) {
          this.table.setMaxSize(this.readInt(5)); // §6.3 dynamic table size update
        } else {
          edits = this.literal(4, false, edits); // §6.2.2 without indexing / §6.2.3 never indexed
        }
      }
    } catch (e) {
      if (e instanceof HuffmanError) throw new HpackError(e.message);
      throw e;
    } finally {
      this.block = new Uint8Array(0);
    }
    if (edits === null) return null;
    this.rewrites += edits.length;
    return applyEdits(block, edits);
  }

  private literal(prefixBits: number, indexing: boolean, edits: Edit[] | null): Edit[] | null {
    const index = this.readInt(prefixBits);
    let name: string;
    let nameLength: number;
    if (index === 0) {
      this.readString();
      const decoded = this.decodeString();
      nameLength = decoded.length;
      name = decoded.equals(AUTHORITY_BYTES) ? AUTHORITY : indexing ? decoded.toString('latin1') : '';
    } else {
      const n = this.nameOf(index);
      if (n === undefined) throw new HpackError(`header index ${index} out of range`);
      name = n;
      nameLength = Buffer.byteLength(n, 'latin1');
    }
    const literalStart = this.pos;
    this.readString();
    let valueLength: number;
    if (name === AUTHORITY) {
      const value = Buffer.from(this.decodeString()); // own copy: sanitized in place
      valueLength = value.length;
      if (!isValidAuthority(value)) {
        sanitizeAuthority(value);
        (edits ??= []).push({ start: literalStart, end: this.strEnd, replacement: plainLiteral(value) });
      }
    } else if (indexing) {
      valueLength = this.strHuffman ? huffmanDecodeInto(this.block, this.strStart, this.strEnd, null) : this.strEnd - this.strStart;
    } else {
      valueLength = 0; // not stored: the length does not matter
    }
    if (indexing) this.table.add(name, nameLength + valueLength + ENTRY_OVERHEAD);
    return edits;
  }

  /** Name for an HPACK index (1..61 static, 62.. dynamic), undefined if out of range. */
  private nameOf(index: number): string | undefined {
    if (index === 0) return undefined;
    if (index <= STATIC_NAMES.length) return STATIC_NAMES[index - 1];
    return this.table.nameAt(index - STATIC_NAMES.length - 1);
  }

  /** §5.1 integer with an N-bit prefix, starting at the current octet. */
  private readInt(prefixBits: number): number {
    const block = this.block;
    if (this.pos >= block.length) throw new HpackError('truncated integer');
    const mask = (1 << prefixBits) - 1;
    let value = (block[this.pos++] ?? 0) & mask;
    if (value < mask) return value;
    for (let scale = 1; ; scale *= 128) {
      if (this.pos >= block.length) throw new HpackError('truncated integer');
      const b = block[this.pos++] ?? 0;
      value += (b & 0x7f) * scale;
      if (value > MAX_INT) throw new HpackError('integer overflow');
      if ((b & 0x80) === 0) return value;
    }
  }

  /** §5.2 string literal: sets strHuffman/strStart/strEnd and moves past it. */
  private readString(): void {
    if (this.pos >= this.block.length) throw new HpackError('truncated string literal');
    this.strHuffman = ((this.block[this.pos] ?? 0) & 0x80) !== 0;
    const length = this.readInt(7);
    if (length > this.block.length - this.pos) throw new HpackError('string literal past end of block');
    this.strStart = this.pos;
    this.strEnd = this.pos + length;
    this.pos = this.strEnd;
  }

  /** The octets of the string just read; a view valid until the next decode. */
  private decodeString(): Buffer {
    const raw = this.block.subarray(this.strStart, this.strEnd);
    if (!this.strHuffman) return Buffer.from(raw.buffer, raw.byteOffset, raw.length);
    const need = Math.ceil((raw.length * 8) / 5);
    if (this.scratch.length < need) this.scratch = Buffer.alloc(need);
    return this.scratch.subarray(0, huffmanDecodeInto(raw, 0, raw.length, this.scratch));
  }
}

/** §5.2 string literal without Huffman coding. */
export function plainLiteral(value: Uint8Array): Buffer {
  const prefix = encodeInt(value.length, 7, 0x00);
  const out = Buffer.allocUnsafe(prefix.length + value.length);
  prefix.copy(out, 0);
  out.set(value, prefix.length);
  return out;
}

/** §5.1 integer with an N-bit prefix; `high` holds the first octet's bits above the prefix. */
export function encodeInt(value: number, prefixBits: number, high: number): Buffer {
  const mask = (1 << prefixBits) - 1;
  if (value < mask) return Buffer.from([high | value]);
  const bytes = [high | mask];
  let rest = value - mask;
  while (rest >= 128) {
    bytes.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

function applyEdits(block: Uint8Array, edits: readonly Edit[]): Buffer {
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const e of edits) {
    parts.push(block.subarray(at, e.start), e.replacement);
    at = e.end;
  }
  parts.push(block.subarray(at));
  return Buffer.concat(parts);
}
