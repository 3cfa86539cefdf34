import http2 from 'node:http2';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { HuffmanError, huffmanDecode, huffmanEncode } from './huffman.js';
import { HUFFMAN_CODE_LENGTHS, HUFFMAN_CODES } from './huffman-table.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// Huffman-coded strings from RFC 7541 C.4 (requests) and C.6 (responses).
const RFC_VECTORS: Array<[string, string]> = [
  ['www.example.com', 'f1e3 c2e5 f23a 6ba0 ab90 f4ff'],
  ['no-cache', 'a8eb 1064 9cbf'],
  ['custom-key', '25a8 49e9 5ba9 7d7f'],
  ['custom-value', '25a8 49e9 5bb8 e8b4 bf'],
  ['302', '6402'],
  ['private', 'aec3 771a 4b'],
  ['Mon, 21 Oct 2013 20:13:21 GMT', 'd07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff'],
  ['https://www.example.com', '9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3'],
  ['307', '640e ff'],
  ['Mon, 21 Oct 2013 20:13:22 GMT', 'd07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff'],
  ['gzip', '9bd9 ab'],
  [
    'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1',
    '94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07',
  ],
];

describe('HPACK Huffman code', () => {
  it('has the code column of RFC 7541 Appendix B (spot checks) and is complete', () => {
    const spot: Array<[number, number, number]> = [
      [0, 0x1ff8, 13],
      [9, 0xffffea, 24],
      [10, 0x3ffffffc, 30],
      [32, 0x14, 6],
      [48, 0x0, 5],
      [58, 0x5c, 7],
      [122, 0x7b, 7],
      [128, 0xfffe6, 20],
      [255, 0x3ffffee, 26],
      [256, 0x3fffffff, 30],
    ];
    for (const [sym, code, len] of spot) expect([sym, HUFFMAN_CODES[sym], HUFFMAN_CODE_LENGTHS[sym]]).toEqual([sym, code, len]);
    expect(HUFFMAN_CODE_LENGTHS.reduce((s, l) => s + 2 ** -l, 0)).toBe(1); // Kraft: a full prefix code
  });

  it.each(RFC_VECTORS)('round-trips %j as in RFC 7541 Appendix C', (text, encoded) => {
    expect(huffmanEncode(Buffer.from(text, 'latin1')).toString('hex')).toBe(hex(encoded).toString('hex'));
    expect(huffmanDecode(hex(encoded)).toString('latin1')).toBe(text);
  });

  it('round-trips every octet', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(huffmanDecode(huffmanEncode(all)).equals(all)).toBe(true);
    expect(huffmanDecode(Buffer.alloc(0)).length).toBe(0);
  });

  it('rejects padding longer than 7 bits, padding that is not EOS bits, and EOS', () => {
    const ok = huffmanEncode(Buffer.from('a')); // 00011 + 111 padding
    expect(ok.toString('hex')).toBe('1f');
    expect(() => huffmanDecode(Buffer.from([0x1f, 0xff]))).toThrow(HuffmanError); // 11 bits of padding
    expect(() => huffmanDecode(Buffer.from([0x18]))).toThrow(HuffmanError); // padding 000
    expect(() => huffmanDecode(Buffer.from([0xff, 0xff, 0xff, 0xff]))).toThrow(HuffmanError); // EOS
  });

  // An independent reference: nghttp2's encoder (Node's HTTP/2 client) Huffman-codes
  // header values when that is shorter, so a single odd octet amid cheap ones gets coded.
  it('matches nghttp2 for every octet a header value can carry', async () => {
    let captured = Buffer.alloc(0);
    const sink = net.createServer((s) => s.on('data', (d: Buffer) => (captured = Buffer.concat([captured, d]))));
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    const addr = sink.address() as net.AddressInfo;
    const octets = Array.from({ length: 256 }, (_, i) => i).filter((b) => b === 9 || (b >= 0x20 && b !== 0x7f));
    const clients: http2.ClientHttp2Session[] = [];
    try {
      for (let i = 0; i < octets.length; i += 50) {
        // fresh connections: the sink never sends SETTINGS, so streams per connection are capped
        const client = http2.connect(`http://127.0.0.1:${addr.port}`);
        client.on('error', () => undefined);
        clients.push(client);
        for (const b of octets.slice(i, i + 50)) {
          client.request({ ':path': '/', 'x-v': `${'a'.repeat(40)}${String.fromCharCode(b)}${'e'.repeat(40)}` }).on('error', () => undefined);
        }
      }
      const expected = octets.map((b) => huffmanEncode(Buffer.from(`${'a'.repeat(40)}${String.fromCharCode(b)}${'e'.repeat(40)}`, 'latin1')));
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && !expected.every((e) => captured.includes(e))) await new Promise((r) => setTimeout(r, 20));
      expect(octets.filter((_, i) => !captured.includes(expected[i] ?? Buffer.alloc(0)))).toEqual([]);
    } finally {
      for (const c of clients) c.destroy();
      sink.close();
    }
  });
});
