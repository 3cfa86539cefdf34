// HPACK Huffman decoding (RFC 7541 §5.2) with a 4-bit-at-a-time state
// machine built once from the code table, plus an encoder (used by tests and
// to craft header blocks).
import { EOS, HUFFMAN_CODE_LENGTHS, HUFFMAN_CODES } from './huffman-table.js';

export class HuffmanError extends Error {}

// Decoding tree: internal nodes 0..255 (0 = root); child >= 0 is an internal
// node, child < 0 is the leaf for symbol -child-1.
const children = new Int16Array(512);
// Transition per (node, nibble): next node in bits 0-7, EMIT/FAIL flags, symbol in bits 16+.
const transitions = new Int32Array(256 * 16);
// Nodes where input may end: the root, or 1..7 one-bits into a code (a prefix of EOS = padding).
const acceptsEnd = new Uint8Array(256);
const EMIT = 0x100;
const FAIL = 0x200;

buildDecoder();

function buildDecoder(): void {
  let nodes = 1;
  children.fill(0);
  for (let sym = 0; sym <= EOS; sym++) {
    const len = HUFFMAN_CODE_LENGTHS[sym] ?? 0;
    const code = HUFFMAN_CODES[sym] ?? 0;
    let node = 0;
    for (let i = len - 1; i >= 0; i--) {
      const slot = node * 2 + (Math.floor(code / 2 ** i) & 1);
      if (i === 0) {
        children[slot] = -(sym + 1);
      } else {
        if (children[slot] === 0) children[slot] = nodes++;
        node = children[slot] ?? 0;
      }
    }
  }
  let node = 0;
  acceptsEnd[0] = 1;
  for (let i = 0; i < 7; i++) {
    node = children[node * 2 + 1] ?? 0;
    acceptsEnd[node] = 1;
  }
  for (let state = 0; state < 256; state++) {
    for (let nibble = 0; nibble < 16; nibble++) {
      let cur = state;
      let out = 0;
      for (let bit = 3; bit >= 0; bit--) {
        const child = children[cur * 2 + ((nibble >> bit) & 1)] ?? 0;
        if (child >= 0) {
          cur = child;
          continue;
        }
        const sym = -child - 1;
        // Codes are >= 5 bits, so a nibble completes at most one symbol.
        out = sym === EOS ? FAIL : EMIT | (sym << 16);
        cur = 0;
      }
      transitions[state * 16 + nibble] = out | cur;
    }
  }
}

/**
 * Decodes src[start, end) into `out` (which needs room for (end-start)*8/5
 * octets) or, with out null, only counts the decoded octets. Returns the count.
 * Throws HuffmanError on EOS in the data or invalid padding.
 */
export function huffmanDecodeInto(src: Uint8Array, start: number, end: number, out: Uint8Array | null): number {
  let state = 0;
  let n = 0;
  for (let i = start; i < end; i++) {
    const byte = src[i] ?? 0;
    for (let shift = 4; shift >= 0; shift -= 4) {
      const t = transitions[state * 16 + ((byte >> shift) & 15)] ?? FAIL;
      if ((t & FAIL) !== 0) throw new HuffmanError('EOS symbol in Huffman-encoded string');
      if ((t & EMIT) !== 0) {
        if (out !== null) out[n] = t >>> 16;
        n++;
      }
      state = t & 0xff;
    }
  }
  if (acceptsEnd[state] !== 1) throw new HuffmanError('invalid Huffman padding');
  return n;
}

export function huffmanDecode(src: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(Math.ceil((src.length * 8) / 5));
  return out.subarray(0, huffmanDecodeInto(src, 0, src.length, out));
}

export function huffmanEncodedLength(src: Uint8Array): number {
  let bits = 0;
  for (const b of src) bits += HUFFMAN_CODE_LENGTHS[b] ?? 0;
  return Math.ceil(bits / 8);
}

export function huffmanEncode(src: Uint8Array): Buffer {
  const out = Buffer.alloc(huffmanEncodedLength(src));
  let acc = 0; // pending bits, right-aligned; fewer than 8 between symbols
  let accBits = 0;
  let n = 0;
  for (const b of src) {
    const len = HUFFMAN_CODE_LENGTHS[b] ?? 0;
    const code = HUFFMAN_CODES[b] ?? 0;
    // Feed the code in pieces of at most 8 bits so `acc` stays small.
    for (let left = len; left > 0; ) {
      const take = Math.min(8, left);
      left -= take;
      acc = (acc << take) | (Math.floor(code / 2 ** left) & ((1 << take) - 1));
      accBits += take;
      while (accBits >= 8) {
        accBits -= 8;
        out[n++] = (acc >> accBits) & 0xff;
      }
      acc &= (1 << accBits) - 1;
    }
  }
  // Pad with the most significant bits of EOS (all ones).
  if (accBits > 0) out[n++] = ((acc << (8 - accBits)) | ((1 << (8 - accBits)) - 1)) & 0xff;
  return out;
}
