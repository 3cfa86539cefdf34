import { describe, expect, it } from 'vitest';
import { ClientStreamRewriter, MAX_BLOCK_BYTES, MAX_CONTINUATIONS } from './client-stream-rewriter.js';
import { data, FLAG, FRAME, frame, headers, indexed, literal, parseFrames, PREFACE, settings } from '../../../test/support/h2-frames.js';

const cat = (...parts: Buffer[]): Buffer => Buffer.concat(parts);
const PRELUDE = cat(indexed(3), indexed(6), indexed(4)); // :method POST, :scheme http, :path /
const GOOD = cat(PRELUDE, literal('incremental', 1, '127.0.0.1:2379', { huffman: true }));
const BAD = cat(PRELUDE, literal('incremental', 1, 'http://127.0.0.1:2379', { huffman: true }));
const FIXED = cat(PRELUDE, literal('incremental', 1, 'http:__127.0.0.1:2379'));
const WINDOW_UPDATE = frame(FRAME.WINDOW_UPDATE, 0, 0, Buffer.from([0, 0, 0x10, 0]));

/** Runs `input` through a fresh rewriter in the given pieces; returns the joined output and the rewriter. */
function run(pieces: Buffer[]): { out: Buffer; rw: ClientStreamRewriter; outputs: Buffer[] } {
  const rw = new ClientStreamRewriter();
  const outputs: Buffer[] = [];
  for (const p of pieces) outputs.push(...rw.push(p));
  outputs.push(...rw.flush());
  return { out: Buffer.concat(outputs), rw, outputs };
}

/** Every way of cutting `input` in two, plus one octet at a time. */
function splits(input: Buffer): Buffer[][] {
  const all: Buffer[][] = [];
  for (let i = 1; i < input.length; i++) all.push([input.subarray(0, i), input.subarray(i)]);
  all.push(Array.from(input, (b) => Buffer.from([b])));
  return all;
}

function expectSameUnderAnySplit(input: Buffer, expected: Buffer): void {
  expect(run([input]).out.toString('hex')).toBe(expected.toString('hex'));
  for (const pieces of splits(input)) {
    const { out } = run(pieces);
    if (!out.equals(expected)) expect({ cut: pieces.map((p) => p.length), out: out.toString('hex') }).toEqual({ out: expected.toString('hex') });
  }
}

describe('ClientStreamRewriter', () => {
  it('passes a valid connection through byte for byte, as the very same chunk', () => {
    const input = cat(PREFACE, settings(), headers(1, GOOD, FLAG.END_HEADERS), data(1, Buffer.from('hello'), FLAG.END_STREAM), WINDOW_UPDATE);
    const rw = new ClientStreamRewriter();
    const out = rw.push(input);
    expect(out).toHaveLength(1);
    expect(out[0]).toBe(input);
    expectSameUnderAnySplit(input, input);
  });

  it('forwards DATA split over chunks as slices of those chunks (no copies)', () => {
    const body = Buffer.alloc(50_000, 7);
    const input = cat(PREFACE, settings(), headers(1, GOOD, FLAG.END_HEADERS), data(1, body, FLAG.END_STREAM));
    const pieces = [input.subarray(0, 100), input.subarray(100, 30_000), input.subarray(30_000)];
    const { outputs, out } = run(pieces);
    expect(out.equals(input)).toBe(true);
    expect(outputs).toHaveLength(3);
    outputs.forEach((o, i) => expect(o).toBe(pieces[i]));
  });

  it('rewrites an invalid :authority in place, slicing around the HEADERS frame', () => {
    const before = cat(PREFACE, settings());
    const after = cat(data(1, Buffer.from('x'), FLAG.END_STREAM), WINDOW_UPDATE);
    const input = cat(before, headers(1, BAD), after);
    const expected = cat(before, headers(1, FIXED), after);
    const { outputs, rw } = run([input]);
    expect(outputs.map((o) => o.length)).toEqual([before.length, 9 + FIXED.length, after.length]);
    expect(rw.hpack.rewrites).toBe(1);
    expectSameUnderAnySplit(input, expected);
  });

  it('joins CONTINUATION frames of a rewritten block into one HEADERS frame', () => {
    const cut = BAD.length - 5; // inside the :authority literal
    const input = cat(
      PREFACE,
      frame(FRAME.HEADERS, FLAG.END_STREAM, 3, BAD.subarray(0, 4)),
      frame(FRAME.CONTINUATION, 0, 3, BAD.subarray(4, cut)),
      frame(FRAME.CONTINUATION, FLAG.END_HEADERS, 3, BAD.subarray(cut)),
      data(5, Buffer.from('z')),
    );
    const expected = cat(PREFACE, headers(3, FIXED, FLAG.END_STREAM | FLAG.END_HEADERS), data(5, Buffer.from('z')));
    expectSameUnderAnySplit(input, expected);
  });

  it('keeps the CONTINUATION structure of an unchanged block', () => {
    const input = cat(
      PREFACE,
      frame(FRAME.HEADERS, 0, 3, GOOD.subarray(0, 5)),
      frame(FRAME.CONTINUATION, 0, 3, Buffer.alloc(0)),
      frame(FRAME.CONTINUATION, FLAG.END_HEADERS, 3, GOOD.subarray(5)),
    );
    expectSameUnderAnySplit(input, input);
  });

  it('drops padding and keeps priority fields when rebuilding HEADERS', () => {
    const priority = Buffer.from([0x80, 0, 0, 1, 200]);
    const padded = (block: Buffer): Buffer => cat(Buffer.from([4]), priority, block, Buffer.alloc(4));
    const flags = FLAG.PADDED | FLAG.PRIORITY | FLAG.END_HEADERS | FLAG.END_STREAM;
    const input = cat(PREFACE, frame(FRAME.HEADERS, flags, 1, padded(BAD)), frame(FRAME.HEADERS, flags, 3, padded(indexed(62))));
    const expected = cat(
      PREFACE,
      frame(FRAME.HEADERS, FLAG.PRIORITY | FLAG.END_HEADERS | FLAG.END_STREAM, 1, cat(priority, FIXED)),
      frame(FRAME.HEADERS, flags, 3, padded(indexed(62))), // refers to the stored (rewritten) value: unchanged
    );
    expectSameUnderAnySplit(input, expected);
  });

  it('splits a rewritten block larger than 16384 octets into HEADERS + CONTINUATION', () => {
    const big = `http://${'a'.repeat(30_000)}`;
    const input = cat(PREFACE, headers(1, literal('without', 1, big, { huffman: true })));
    const fixed = literal('without', 1, big.replace('//', '__'));
    const frames = parseFrames(run([input]).out);
    expect(frames.map((f) => [f.type, f.flags, f.streamId, f.payload.length])).toEqual([
      [FRAME.HEADERS, FLAG.END_STREAM, 1, 16384],
      [FRAME.CONTINUATION, FLAG.END_HEADERS, 1, fixed.length - 16384],
    ]);
    expect(Buffer.concat(frames.map((f) => f.payload))).toEqual(fixed);
  });

  describe('stops rewriting and passes the rest through unchanged', () => {
    const later = headers(9, BAD); // would be rewritten if rewriting were still on
    const cases: Record<string, Buffer> = {
      'no preface': cat(Buffer.from('GET / HTTP/1.1\r\n\r\n'), later),
      'HPACK error': cat(PREFACE, headers(1, indexed(0)), later),
      'frame inside a header block': cat(PREFACE, frame(FRAME.HEADERS, 0, 1, BAD), data(1, Buffer.from('x')), later),
      'CONTINUATION on another stream': cat(PREFACE, frame(FRAME.HEADERS, 0, 1, BAD), frame(FRAME.CONTINUATION, FLAG.END_HEADERS, 3, GOOD), later),
      'stray CONTINUATION': cat(PREFACE, frame(FRAME.CONTINUATION, FLAG.END_HEADERS, 1, BAD), later),
      'padding longer than the frame': cat(PREFACE, frame(FRAME.HEADERS, FLAG.PADDED | FLAG.END_HEADERS, 1, Buffer.from([9, 1, 2])), later),
    };
    for (const [name, input] of Object.entries(cases)) {
      it(name, () => {
        const { rw } = run([input]);
        expect(rw.stoppedBecause).not.toBeNull();
        expectSameUnderAnySplit(input, input);
      });
    }
  });

  it('releases an incomplete trailing frame unchanged at end of input', () => {
    const input = cat(PREFACE, headers(1, BAD).subarray(0, 12));
    expectSameUnderAnySplit(input, input);
  });

  describe('refuses a header block beyond what nghttp2 accepts (the connection is then closed)', () => {
    const before = cat(PREFACE, settings(), WINDOW_UPDATE);
    const open = frame(FRAME.HEADERS, 0, 1, GOOD);
    const empty = frame(FRAME.CONTINUATION, 0, 1, Buffer.alloc(0));

    it(`accepts ${MAX_CONTINUATIONS} CONTINUATION frames, as nghttp2 does`, () => {
      const input = cat(before, open, ...Array.from({ length: MAX_CONTINUATIONS - 1 }, () => empty), frame(FRAME.CONTINUATION, FLAG.END_HEADERS, 1, Buffer.alloc(0)));
      const { rw, out } = run([input]);
      expect(rw.refusedBecause).toBeNull();
      expect(out).toEqual(input);
    });

    it('refuses an endless flood of empty CONTINUATION frames, holding nothing of it', () => {
      const rw = new ClientStreamRewriter();
      const out = rw.push(cat(before, open));
      // A flood far past the cap, in many chunks: nothing after the block's start comes out.
      for (let i = 0; i < 1000; i++) out.push(...rw.push(cat(empty, empty, empty)));
      out.push(...rw.flush());
      expect(rw.refusedBecause).toMatch(/CONTINUATION/);
      expect(Buffer.concat(out)).toEqual(before);
    });

    it('refuses the same flood fed one octet at a time', () => {
      const input = cat(before, open, ...Array.from({ length: MAX_CONTINUATIONS + 1 }, () => empty));
      const { rw, out } = run(Array.from(input, (b) => Buffer.from([b])));
      expect(rw.refusedBecause).toMatch(/CONTINUATION/);
      expect(out).toEqual(before);
    });

    it('refuses a header block of more octets than nghttp2 would take', () => {
      const big = Buffer.alloc(MAX_BLOCK_BYTES, 0);
      const input = cat(before, frame(FRAME.HEADERS, 0, 1, big));
      const { rw, out } = run([input.subarray(0, before.length + 20)]);
      expect(rw.refusedBecause).toMatch(/too large/);
      expect(out).toEqual(before);
    });
  });
});
