import { describe, expect, it } from 'vitest';
import { HeaderBlockRewriter } from './header-block-rewriter.js';
import { DynamicTable } from './hpack-dynamic-table.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

function names(t: DynamicTable): string[] {
  return Array.from({ length: t.length }, (_, i) => t.nameAt(i) ?? '?');
}

describe('DynamicTable', () => {
  it('indexes newest first and evicts oldest first (RFC 7541 §4.4)', () => {
    const t = new DynamicTable(100);
    t.add('a', 40);
    t.add('b', 40);
    expect(names(t)).toEqual(['b', 'a']);
    t.add('c', 30); // 110 > 100: 'a' goes
    expect(names(t)).toEqual(['c', 'b']);
    expect(t.size).toBe(70);
    expect(t.nameAt(2)).toBeUndefined();
  });

  it('empties itself for an entry larger than the table, which is not added', () => {
    const t = new DynamicTable(100);
    t.add('a', 40);
    t.add('huge', 101);
    expect([t.length, t.size]).toEqual([0, 0]);
    t.add('exact', 100);
    expect(names(t)).toEqual(['exact']);
  });

  it('evicts on a size update, and grows past its initial ring capacity', () => {
    const t = new DynamicTable(4096);
    for (let i = 0; i < 100; i++) t.add(`n${i}`, 33);
    expect(t.length).toBe(100);
    expect(t.nameAt(0)).toBe('n99');
    expect(t.nameAt(99)).toBe('n0');
    t.setMaxSize(33 * 3);
    expect(names(t)).toEqual(['n99', 'n98', 'n97']);
    t.setMaxSize(0);
    expect([t.length, t.size]).toEqual([0, 0]);
  });
});

// The header blocks of RFC 7541 Appendix C, walked by the rewriter: its table
// must end each block with exactly the entries (and size) the RFC lists.
describe('HPACK table tracking over RFC 7541 Appendix C', () => {
  const requests = {
    'C.3 (plain)': [
      '8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
      '8286 84be 5808 6e6f 2d63 6163 6865',
      '8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65',
    ],
    'C.4 (Huffman)': [
      '8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff',
      '8286 84be 5886 a8eb 1064 9cbf',
      '8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf',
    ],
  };
  const requestTables = [
    { size: 57, names: [':authority'] },
    { size: 110, names: ['cache-control', ':authority'] },
    { size: 164, names: ['custom-key', 'cache-control', ':authority'] },
  ];

  for (const [name, blocks] of Object.entries(requests)) {
    it(`${name} requests`, () => {
      const r = new HeaderBlockRewriter();
      blocks.forEach((b, i) => {
        expect(r.rewrite(hex(b))).toBeNull(); // www.example.com is a valid authority
        expect({ size: r.table.size, names: names(r.table) }).toEqual(requestTables[i]);
      });
    });
  }

  // Responses with a 256-octet table: later entries evict earlier ones.
  const responses = {
    'C.5 (plain)': [
      '4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
      '4803 3330 37c1 c0bf',
      '88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31',
    ],
    'C.6 (Huffman)': [
      '4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3',
      '4883 640e ffc1 c0bf',
      '88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07',
    ],
  };
  const responseTables = [
    { size: 222, names: ['location', 'date', 'cache-control', ':status'] },
    { size: 222, names: [':status', 'location', 'date', 'cache-control'] },
    { size: 215, names: ['set-cookie', 'content-encoding', 'date'] },
  ];

  for (const [name, blocks] of Object.entries(responses)) {
    it(`${name} responses with evictions`, () => {
      const r = new HeaderBlockRewriter(256);
      blocks.forEach((b, i) => {
        expect(r.rewrite(hex(b))).toBeNull();
        expect({ size: r.table.size, names: names(r.table) }).toEqual(responseTables[i]);
      });
    });
  }
});
