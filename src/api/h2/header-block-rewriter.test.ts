import { describe, expect, it } from 'vitest';
import { HeaderBlockRewriter, HpackError } from './header-block-rewriter.js';
import { indexed, literal, sizeUpdate } from '../../../test/support/h2-frames.js';

const cat = (...parts: Buffer[]): Buffer => Buffer.concat(parts);
// :method POST, :scheme http, :path /
const PRELUDE = cat(indexed(3), indexed(6), indexed(4));

describe('HeaderBlockRewriter', () => {
  it('rewrites a static-name literal (index 1), keeping the value length and the entry size', () => {
    const r = new HeaderBlockRewriter();
    const out = r.rewrite(cat(PRELUDE, literal('incremental', 1, 'http://127.0.0.1:2379')));
    expect(out).toEqual(cat(PRELUDE, literal('incremental', 1, 'http:__127.0.0.1:2379')));
    expect(r.table.nameAt(0)).toBe(':authority');
    expect(r.table.size).toBe(10 + 21 + 32);
    expect(r.rewrites).toBe(1);
  });

  it('re-encodes a Huffman-coded value as a plain literal', () => {
    const r = new HeaderBlockRewriter();
    const out = r.rewrite(cat(literal('incremental', 1, 'http://h:1', { huffman: true }), PRELUDE));
    expect(out).toEqual(cat(literal('incremental', 1, 'http:__h:1'), PRELUDE));
  });

  it('leaves a later request that indexes the stored value alone', () => {
    const r = new HeaderBlockRewriter();
    expect(r.rewrite(cat(PRELUDE, literal('incremental', 1, 'http://h:1', { huffman: true })))).not.toBeNull();
    expect(r.rewrite(cat(PRELUDE, indexed(62)))).toBeNull();
    expect(r.rewrites).toBe(1);
  });

  it('follows a dynamic entry named :authority (literal name) through later indices', () => {
    const r = new HeaderBlockRewriter();
    expect(r.rewrite(literal('incremental', ':authority', 'ok.example:1'))).toBeNull();
    expect(r.rewrite(literal('incremental', 'x-a', 'v'))).toBeNull();
    // :authority is now dynamic index 63 (62 is x-a)
    for (const kind of ['without', 'never', 'incremental'] as const) {
      expect(r.rewrite(literal(kind, 63, 'http://x:1', { huffman: true }))).toEqual(literal(kind, 63, 'http:__x:1'));
    }
    // The last ('incremental') added a third entry
    expect([r.table.nameAt(0), r.table.nameAt(1), r.table.nameAt(2)]).toEqual([':authority', 'x-a', ':authority']);
  });

  it('keeps a Huffman-coded literal name as it was', () => {
    const r = new HeaderBlockRewriter();
    const nameHead = literal('never', ':authority', '', { huffmanName: true }).subarray(0, -1); // minus the empty value
    const out = r.rewrite(literal('never', ':authority', 'http://x', { huffmanName: true, huffman: true }));
    expect(out).toEqual(cat(nameHead, literal('without', 1, 'http:__x').subarray(1)));
  });

  it('writes a multi-octet length prefix for long values, and rewrites every :authority in a block', () => {
    const long = `http://${'h'.repeat(200)}:1`;
    const r = new HeaderBlockRewriter();
    const out = r.rewrite(cat(literal('without', 1, long, { huffman: true }), PRELUDE, literal('never', 1, 'a/b')));
    expect(out).toEqual(cat(literal('without', 1, long.replace('//', '__')), PRELUDE, literal('never', 1, 'a_b')));
    expect(r.rewrites).toBe(2);
  });

  it('passes valid authorities (and blocks without one) through', () => {
    const r = new HeaderBlockRewriter();
    for (const v of ['127.0.0.1:2379', 'localhost:2379', '[::1]:2379', 'user@host:1', "a%20b!$&'()*+,;=~_-.", '']) {
      expect(r.rewrite(literal('without', 1, v))).toBeNull();
      expect(r.rewrite(literal('incremental', 1, v, { huffman: true }))).toBeNull();
    }
    expect(r.rewrite(PRELUDE)).toBeNull();
    expect(r.rewrite(Buffer.alloc(0))).toBeNull();
  });

  it('keeps indices in step across size updates and evictions', () => {
    const r = new HeaderBlockRewriter();
    // 128-octet table: a rewritten :authority entry (10+10+32=52), then x-a (3+1+32=36), then
    // x-b (3+40+32=75): 163 > 128 evicts the :authority entry, so 63 is x-a.
    expect(r.rewrite(cat(sizeUpdate(128), literal('incremental', 1, 'http://x:1')))).not.toBeNull();
    expect(r.rewrite(literal('incremental', 'x-a', 'v'))).toBeNull();
    expect(r.rewrite(literal('incremental', 'x-b', 'b'.repeat(40), { huffman: true }))).toBeNull();
    expect([r.table.length, r.table.size, r.table.nameAt(1)]).toEqual([2, 111, 'x-a']);
    // x-a is not :authority, so an invalid-looking value under index 63 is not touched
    expect(r.rewrite(literal('without', 63, 'http://x'))).toBeNull();
    expect(() => r.rewrite(indexed(64))).toThrow(HpackError);
  });

  it('throws HpackError on malformed blocks', () => {
    const bad = [
      indexed(0),
      indexed(62), // empty dynamic table
      literal('without', 1, 'abc').subarray(0, 3), // truncated value
      Buffer.from([0x01, 0x85, 0xff]), // Huffman :authority, length past the end
      Buffer.from([0x01, 0x81, 0x00]), // Huffman :authority with bad padding
      Buffer.from([0x3f, 0xff, 0xff, 0xff, 0xff, 0x7f]), // size update beyond 32 bits
    ];
    for (const b of bad) expect(() => new HeaderBlockRewriter().rewrite(b), b.toString('hex')).toThrow(HpackError);
  });
});
