import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkBolt } from './check.js';
import { PAGE_SIZE, decodeMetaPage, fnv64a } from './format.js';
import { BoltReader, type BoltBucket } from './reader.js';
import { BoltWriter, type BoltEntry } from './writer.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bbolt-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function kv(key: string, value: string | Buffer): BoltEntry {
  return { key: Buffer.from(key), value: typeof value === 'string' ? Buffer.from(value) : value };
}

function keyOf(i: number): string {
  return `key-${String(i).padStart(7, '0')}`;
}

function dump(b: BoltBucket): unknown[] {
  return [...b.entries()].map((e) => (e.bucket !== undefined ? [e.key.toString(), dump(e.bucket)] : [e.key.toString(), e.value.toString('hex')]));
}

describe('bbolt writer and reader', () => {
  it('fnv64a matches the reference vectors', () => {
    expect(fnv64a(Buffer.from(''))).toBe(0xcbf29ce484222325n);
    expect(fnv64a(Buffer.from('a'))).toBe(0xaf63dc4c8601ec8cn);
    expect(fnv64a(Buffer.from('foobar'))).toBe(0x85944171f73967e8n);
  });

  it('round-trips a bucket tall enough for several branch levels', () => {
    const path = join(dir, 'db');
    const w = BoltWriter.create(path);
    const n = 60_000;
    const big = w.bucket((function* () {
      for (let i = 0; i < n; i++) yield kv(keyOf(i), `value-${i}`);
    })());
    const { size } = w.finish([{ key: Buffer.from('big'), value: big, bucket: true }]);
    expect(readFileSync(path).length).toBe(size);
    const db = BoltReader.open(path);
    try {
      expect(checkBolt(db)).toEqual([]);
      const b = db.root().bucket('big')!;
      expect(b.rootPgid).toBeGreaterThan(0n);
      let i = 0;
      for (const e of b.entries()) {
        expect(e.key.toString()).toBe(keyOf(i));
        expect(e.value.toString()).toBe(`value-${i}`);
        i++;
      }
      expect(i).toBe(n);
      expect(b.get(keyOf(4321))?.toString()).toBe('value-4321');
      expect(b.get('nope')).toBeUndefined();
    } finally {
      db.close();
    }
  });

  it('stores values larger than a page on overflow pages', () => {
    const path = join(dir, 'db');
    const w = BoltWriter.create(path);
    const large = Buffer.alloc(3 * PAGE_SIZE + 123, 7);
    const b = w.bucket([kv('a', 'small'), kv('b', large), kv('c', Buffer.alloc(PAGE_SIZE - 40, 1)), kv('d', 'x')]);
    w.finish([{ key: Buffer.from('b'), value: b, bucket: true }]);
    const db = BoltReader.open(path);
    try {
      expect(checkBolt(db)).toEqual([]);
      const got = db.root().bucket('b')!;
      expect(got.get('b')?.equals(large)).toBe(true);
      expect([...got.entries()].map((e) => e.key.toString())).toEqual(['a', 'b', 'c', 'd']);
    } finally {
      db.close();
    }
  });

  it('keeps small buckets inline and nests buckets', () => {
    const path = join(dir, 'db');
    const w = BoltWriter.create(path);
    const small = w.bucket([kv('x', '1'), kv('y', '2')]);
    expect(small.readBigUInt64LE(0)).toBe(0n); // inline: no root page
    const empty = w.bucket([]);
    const inner = w.bucket([kv('deep', 'yes')]);
    const outer = w.bucket([kv('a', 'b'), { key: Buffer.from('inner'), value: inner, bucket: true }]);
    expect(outer.readBigUInt64LE(0)).toBeGreaterThan(0n); // a bucket holding a bucket is never inline
    w.finish([
      { key: Buffer.from('empty'), value: empty, bucket: true },
      { key: Buffer.from('outer'), value: outer, bucket: true },
      { key: Buffer.from('small'), value: small, bucket: true },
    ]);
    const db = BoltReader.open(path);
    try {
      expect(checkBolt(db)).toEqual([]);
      expect(dump(db.root())).toEqual([
        ['empty', []],
        ['outer', [['a', Buffer.from('b').toString('hex')], ['inner', [['deep', Buffer.from('yes').toString('hex')]]]]],
        ['small', [['x', '31'], ['y', '32']]],
      ]);
    } finally {
      db.close();
    }
  });

  it('refuses keys out of order, empty keys and non-buckets at the root', () => {
    const w = BoltWriter.create(join(dir, 'db'));
    try {
      expect(() => w.bucket([kv('b', '1'), kv('a', '2')])).toThrow(/out of order/);
      expect(() => w.bucket([kv('a', '1'), kv('a', '2')])).toThrow(/out of order/);
      expect(() => w.bucket([kv('', '1')])).toThrow(/empty/);
      expect(() => w.finish([kv('a', '1')])).toThrow(/only buckets/);
    } finally {
      w.close();
    }
  });

  it('writes two valid metas and falls back to the other when one is corrupt', () => {
    const path = join(dir, 'db');
    const w = BoltWriter.create(path);
    w.finish([{ key: Buffer.from('b'), value: w.bucket([kv('k', 'v')]), bucket: true }]);
    const file = readFileSync(path);
    const m0 = decodeMetaPage(file.subarray(0, PAGE_SIZE));
    const m1 = decodeMetaPage(file.subarray(PAGE_SIZE, 2 * PAGE_SIZE));
    expect(m0.ok && m1.ok).toBe(true);
    file[PAGE_SIZE + 16 + 20] ^= 0xff; // meta 1's root
    expect(decodeMetaPage(file.subarray(PAGE_SIZE, 2 * PAGE_SIZE))).toEqual({ ok: false, error: 'bad_checksum' });
    writeFileSync(path, file);
    const db = BoltReader.open(path);
    try {
      expect(db.meta.txid).toBe(0n);
      expect(dump(db.root())).toEqual([['b', [['k', '76']]]]);
    } finally {
      db.close();
    }
  });

  it('refuses a file that is not a bbolt database or is truncated', () => {
    const junk = join(dir, 'junk');
    writeFileSync(junk, Buffer.alloc(3 * PAGE_SIZE, 1));
    expect(() => BoltReader.open(junk)).toThrow(/invalid database/);
    const path = join(dir, 'db');
    const w = BoltWriter.create(path);
    w.finish([{ key: Buffer.from('b'), value: w.bucket([]), bucket: true }]);
    expect(() => BoltReader.open(path, PAGE_SIZE * 2)).toThrow(/truncated/);
  });

  it('check finds pages that are neither used nor free', () => {
    const path = join(dir, 'db');
    const w = BoltWriter.create(path);
    w.finish([{ key: Buffer.from('b'), value: w.bucket([kv('k', Buffer.alloc(2000))]), bucket: true }]);
    const file = readFileSync(path);
    // Claim one more page than the tree uses.
    const grown = Buffer.concat([file, Buffer.alloc(PAGE_SIZE)]);
    const fix = (at: number): void => {
      const meta = decodeMetaPage(grown.subarray(at, at + PAGE_SIZE));
      if (!meta.ok) throw new Error('bad meta');
      const pages = Number(meta.meta.pgid) + 1;
      grown.writeBigUInt64LE(BigInt(pages), at + 16 + 40);
      grown.writeBigUInt64LE(fnv64a(grown.subarray(at + 16, at + 16 + 56)), at + 16 + 56);
    };
    fix(0);
    fix(PAGE_SIZE);
    writeFileSync(path, grown);
    const db = BoltReader.open(path);
    try {
      expect(checkBolt(db)).toEqual([`page ${grown.length / PAGE_SIZE - 1}: unreachable unfreed`]);
    } finally {
      db.close();
    }
  });
});
