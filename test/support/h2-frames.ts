// Builders for hand-made HPACK header blocks and HTTP/2 frames, used by this
// folder's tests.
import { encodeInt, plainLiteral } from '../../src/api/h2/header-block-rewriter.js';
import { huffmanEncode } from '../../src/api/h2/huffman.js';

export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export type LiteralKind = 'incremental' | 'without' | 'never';

const LITERAL = { incremental: [6, 0x40], without: [4, 0x00], never: [4, 0x10] } as const;

function str(value: string, huffman: boolean): Buffer {
  const raw = Buffer.from(value, 'latin1');
  if (!huffman) return plainLiteral(raw);
  const enc = huffmanEncode(raw);
  return Buffer.concat([encodeInt(enc.length, 7, 0x80), enc]);
}

/** §6.1 indexed header field. */
export function indexed(index: number): Buffer {
  return encodeInt(index, 7, 0x80);
}

/** §6.2 literal; `name` is an index or a literal name. */
export function literal(kind: LiteralKind, name: number | string, value: string, opts: { huffman?: boolean; huffmanName?: boolean } = {}): Buffer {
  const [bits, high] = LITERAL[kind];
  const head = typeof name === 'number' ? encodeInt(name, bits, high) : Buffer.concat([encodeInt(0, bits, high), str(name, opts.huffmanName === true)]);
  return Buffer.concat([head, str(value, opts.huffman === true)]);
}

/** §6.3 dynamic table size update. */
export function sizeUpdate(max: number): Buffer {
  return encodeInt(max, 5, 0x20);
}

export function frame(type: number, flags: number, streamId: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(9);
  h.writeUIntBE(payload.length, 0, 3);
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(streamId, 5);
  return Buffer.concat([h, payload]);
}

export const FRAME = { DATA: 0x0, HEADERS: 0x1, SETTINGS: 0x4, PING: 0x6, WINDOW_UPDATE: 0x8, CONTINUATION: 0x9 } as const;
export const FLAG = { END_STREAM: 0x1, END_HEADERS: 0x4, PADDED: 0x8, PRIORITY: 0x20 } as const;

export function settings(): Buffer {
  return frame(FRAME.SETTINGS, 0, 0, Buffer.alloc(0));
}

export function headers(streamId: number, block: Buffer, flags: number = FLAG.END_HEADERS | FLAG.END_STREAM): Buffer {
  return frame(FRAME.HEADERS, flags, streamId, block);
}

export function data(streamId: number, payload: Buffer, flags = 0): Buffer {
  return frame(FRAME.DATA, flags, streamId, payload);
}

/** Frames in a byte stream (after any preface), for assertions. */
export function parseFrames(bytes: Buffer): Array<{ type: number; flags: number; streamId: number; payload: Buffer }> {
  const frames = [];
  let at = bytes.subarray(0, PREFACE.length).equals(PREFACE) ? PREFACE.length : 0;
  while (at + 9 <= bytes.length) {
    const length = bytes.readUIntBE(at, 3);
    frames.push({
      type: bytes[at + 3] ?? 0,
      flags: bytes[at + 4] ?? 0,
      streamId: bytes.readUInt32BE(at + 5),
      payload: bytes.subarray(at + 9, at + 9 + length),
    });
    at += 9 + length;
  }
  return frames;
}
