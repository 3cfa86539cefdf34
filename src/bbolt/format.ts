// bbolt's on-disk layout (go.etcd.io/bbolt page.go, db.go, bucket.go): every integer is
// little-endian, every page starts with a 16-byte header, pages 0 and 1 are the two meta pages.

export const PAGE_SIZE = 4096;
export const PAGE_HEADER_SIZE = 16;
/** Leaf and branch elements are both 16 bytes. */
export const ELEMENT_SIZE = 16;
/** A bucket's header in its parent: root page id and sequence. */
export const BUCKET_HEADER_SIZE = 16;

export const BRANCH_PAGE = 0x01;
export const LEAF_PAGE = 0x02;
export const META_PAGE = 0x04;
export const FREELIST_PAGE = 0x10;

/** A leaf element whose value is a bucket header. */
export const BUCKET_LEAF_FLAG = 0x01;

export const MAGIC = 0xed0cdaed;
export const VERSION = 2;
/** bbolt writes a freelist count of 0xFFFF and the real count in the first slot when it overflows. */
export const FREELIST_COUNT_OVERFLOW = 0xffff;
/** A bucket stored inline in its parent's leaf when its leaf fits in a quarter page. */
export const MAX_INLINE_BUCKET_SIZE = PAGE_SIZE / 4;

export interface PageHeader {
  id: bigint;
  flags: number;
  count: number;
  overflow: number;
}

export function readPageHeader(buf: Buffer, at = 0): PageHeader {
  return { id: buf.readBigUInt64LE(at), flags: buf.readUInt16LE(at + 8), count: buf.readUInt16LE(at + 10), overflow: buf.readUInt32LE(at + 12) };
}

export function writePageHeader(buf: Buffer, h: PageHeader, at = 0): void {
  buf.writeBigUInt64LE(h.id, at);
  buf.writeUInt16LE(h.flags, at + 8);
  buf.writeUInt16LE(h.count, at + 10);
  buf.writeUInt32LE(h.overflow, at + 12);
}

export interface Meta {
  pageSize: number;
  flags: number;
  root: bigint;
  sequence: bigint;
  freelist: bigint;
  /** High-water mark: the number of pages in use, so the file spans at least pgid * pageSize. */
  pgid: bigint;
  txid: bigint;
}

const META_SIZE = 64;
const CHECKSUM_AT = 56;

/** FNV-1a, 64 bits: bbolt's meta checksum. */
export function fnv64a(data: Buffer): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of data) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  return h;
}

/** A whole meta page (header plus meta), checksummed. */
export function encodeMetaPage(pageId: number, m: Meta): Buffer {
  const page = Buffer.alloc(PAGE_SIZE);
  writePageHeader(page, { id: BigInt(pageId), flags: META_PAGE, count: 0, overflow: 0 });
  const b = page.subarray(PAGE_HEADER_SIZE, PAGE_HEADER_SIZE + META_SIZE);
  b.writeUInt32LE(MAGIC, 0);
  b.writeUInt32LE(VERSION, 4);
  b.writeUInt32LE(m.pageSize, 8);
  b.writeUInt32LE(m.flags, 12);
  b.writeBigUInt64LE(m.root, 16);
  b.writeBigUInt64LE(m.sequence, 24);
  b.writeBigUInt64LE(m.freelist, 32);
  b.writeBigUInt64LE(m.pgid, 40);
  b.writeBigUInt64LE(m.txid, 48);
  b.writeBigUInt64LE(fnv64a(b.subarray(0, CHECKSUM_AT)), CHECKSUM_AT);
  return page;
}

export type MetaError = 'bad_magic' | 'bad_version' | 'bad_checksum';

/** Decodes the meta of a meta page, or says why it is not a valid one. */
export function decodeMetaPage(page: Buffer): { ok: true; meta: Meta } | { ok: false; error: MetaError } {
  if (page.length < PAGE_HEADER_SIZE + META_SIZE) return { ok: false, error: 'bad_magic' };
  const b = page.subarray(PAGE_HEADER_SIZE, PAGE_HEADER_SIZE + META_SIZE);
  if (b.readUInt32LE(0) !== MAGIC) return { ok: false, error: 'bad_magic' };
  if (b.readUInt32LE(4) !== VERSION) return { ok: false, error: 'bad_version' };
  if (b.readBigUInt64LE(CHECKSUM_AT) !== fnv64a(b.subarray(0, CHECKSUM_AT))) return { ok: false, error: 'bad_checksum' };
  return {
    ok: true,
    meta: {
      pageSize: b.readUInt32LE(8),
      flags: b.readUInt32LE(12),
      root: b.readBigUInt64LE(16),
      sequence: b.readBigUInt64LE(24),
      freelist: b.readBigUInt64LE(32),
      pgid: b.readBigUInt64LE(40),
      txid: b.readBigUInt64LE(48),
    },
  };
}

/** True when the first page of `head` is a bbolt meta page (the magic, wherever the checksum stands). */
export function looksLikeBolt(head: Buffer): boolean {
  return head.length >= PAGE_HEADER_SIZE + 4 && head.readUInt32LE(PAGE_HEADER_SIZE) === MAGIC;
}

/** Byte-wise key order, bbolt's only order. */
export function compareKeys(a: Buffer, b: Buffer): number {
  return Buffer.compare(a, b);
}
