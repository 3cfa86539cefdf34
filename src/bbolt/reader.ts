// Reads a bbolt database page by page from its file (never the whole file into memory): the newer
// valid meta, then the root bucket's B+tree, buckets nested in it (inline or on pages of their
// own) and the freelist.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import {
  BRANCH_PAGE,
  BUCKET_HEADER_SIZE,
  BUCKET_LEAF_FLAG,
  ELEMENT_SIZE,
  FREELIST_COUNT_OVERFLOW,
  FREELIST_PAGE,
  LEAF_PAGE,
  PAGE_HEADER_SIZE,
  PAGE_SIZE,
  decodeMetaPage,
  readPageHeader,
  type Meta,
} from './format.js';

/** The freelist page id bbolt writes when it does not store the freelist. */
const NO_FREELIST = 0xffffffffffffffffn;

export class BoltFormatError extends Error {
  override readonly name = 'BoltFormatError';
}

export interface BoltItem {
  key: Buffer;
  value: Buffer;
  /** Set when the value is a nested bucket. */
  bucket?: BoltBucket;
}

/** A page's bytes; `inline` pages live inside a parent's value and have no id of their own. */
interface Page {
  buf: Buffer;
  flags: number;
  count: number;
}

export class BoltReader {
  private constructor(
    private readonly fd: number,
    readonly meta: Meta,
    private readonly length: number,
  ) {}

  /** Opens the database in the first `length` bytes of the file (all of it by default). */
  static open(path: string, length?: number): BoltReader {
    const fd = openSync(path, 'r');
    try {
      const size = length ?? fstatSync(fd).size;
      const metas: Meta[] = [];
      let pageSize = PAGE_SIZE;
      for (const id of [0, 1]) {
        const buf = Buffer.alloc(PAGE_SIZE);
        if (readSync(fd, buf, 0, PAGE_SIZE, id * pageSize) < PAGE_SIZE) continue;
        const m = decodeMetaPage(buf);
        if (m.ok) {
          metas.push(m.meta);
          pageSize = m.meta.pageSize;
        }
      }
      const meta = metas.sort((a, b) => (a.txid > b.txid ? -1 : a.txid < b.txid ? 1 : 0))[0];
      if (meta === undefined) throw new BoltFormatError('invalid database (no valid meta page)');
      if (meta.pageSize !== PAGE_SIZE) throw new BoltFormatError(`unsupported page size ${meta.pageSize}`);
      if (Number(meta.pgid) * PAGE_SIZE > size) {
        throw new BoltFormatError(`database is truncated: ${size} bytes, the meta says ${Number(meta.pgid) * PAGE_SIZE}`);
      }
      return new BoltReader(fd, meta, size);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  /** Bytes the database spans (bbolt's Tx.Size). */
  size(): number {
    return Number(this.meta.pgid) * PAGE_SIZE;
  }

  root(): BoltBucket {
    return new BoltBucket(this, this.meta.root, undefined);
  }

  /** True when the freelist is not stored (bbolt's NoFreelistSync, as etcd runs it): free pages are the unreachable ones. */
  get freelistSynced(): boolean {
    return this.meta.freelist !== NO_FREELIST;
  }

  /** Page ids on the stored freelist (none when it is not stored). */
  freePages(): bigint[] {
    if (!this.freelistSynced) return [];
    const page = this.page(this.meta.freelist);
    if (page.flags !== FREELIST_PAGE) throw new BoltFormatError(`page ${this.meta.freelist} is not a freelist page`);
    let count = page.count;
    let at = PAGE_HEADER_SIZE;
    if (count === FREELIST_COUNT_OVERFLOW) {
      count = Number(page.buf.readBigUInt64LE(at));
      at += 8;
    }
    const ids: bigint[] = [];
    for (let i = 0; i < count; i++) ids.push(page.buf.readBigUInt64LE(at + i * 8));
    return ids;
  }

  /** The page `id` with its overflow pages. */
  page(id: bigint): Page {
    if (id < 2n || id >= this.meta.pgid) throw new BoltFormatError(`page ${id} is out of bounds (high water mark ${this.meta.pgid})`);
    const pos = Number(id) * PAGE_SIZE;
    const head = Buffer.alloc(PAGE_HEADER_SIZE);
    readSync(this.fd, head, 0, PAGE_HEADER_SIZE, pos);
    const h = readPageHeader(head);
    if (h.id !== id) throw new BoltFormatError(`page ${id} says it is page ${h.id}`);
    const len = (h.overflow + 1) * PAGE_SIZE;
    if (pos + len > this.length) throw new BoltFormatError(`page ${id} runs past the end of the file`);
    const buf = Buffer.alloc(len);
    readSync(this.fd, buf, 0, len, pos);
    return { buf, flags: h.flags, count: h.count };
  }

  /** Pages a page occupies (1 + overflow), without reading its body. */
  pageSpan(id: bigint): number {
    const head = Buffer.alloc(PAGE_HEADER_SIZE);
    readSync(this.fd, head, 0, PAGE_HEADER_SIZE, Number(id) * PAGE_SIZE);
    return readPageHeader(head).overflow + 1;
  }
}

export class BoltBucket {
  /** `inline` is the bucket's own leaf page when it lives inside its parent's value. */
  constructor(
    private readonly db: BoltReader,
    readonly rootPgid: bigint,
    private readonly inline: Buffer | undefined,
  ) {}

  /** Every key in order, nested buckets included (as `bucket`). */
  *entries(): Generator<BoltItem> {
    yield* this.walk(this.inline !== undefined ? inlinePage(this.inline) : this.db.page(this.rootPgid));
  }

  /** The nested bucket called `name`. */
  bucket(name: string | Buffer): BoltBucket | undefined {
    const want = typeof name === 'string' ? Buffer.from(name) : name;
    for (const e of this.entries()) {
      const c = Buffer.compare(e.key, want);
      if (c === 0) return e.bucket;
      if (c > 0) return undefined;
    }
    return undefined;
  }

  /** The value of a (non-bucket) key. */
  get(key: string | Buffer): Buffer | undefined {
    const want = typeof key === 'string' ? Buffer.from(key) : key;
    for (const e of this.entries()) {
      const c = Buffer.compare(e.key, want);
      if (c === 0) return e.bucket === undefined ? e.value : undefined;
      if (c > 0) return undefined;
    }
    return undefined;
  }

  /** Page ids this bucket's tree uses (inline buckets use none), with nested buckets' pages. */
  *pages(): Generator<{ id: bigint; span: number }> {
    if (this.inline !== undefined) {
      for (const e of this.entries()) if (e.bucket !== undefined) yield* e.bucket.pages();
      return;
    }
    yield* this.treePages(this.rootPgid);
  }

  private *treePages(id: bigint): Generator<{ id: bigint; span: number }> {
    const page = this.db.page(id);
    yield { id, span: page.buf.length / PAGE_SIZE };
    if (page.flags === BRANCH_PAGE) {
      for (let i = 0; i < page.count; i++) yield* this.treePages(branchAt(page, i).pgid);
    } else if (page.flags === LEAF_PAGE) {
      for (let i = 0; i < page.count; i++) {
        const e = leafAt(page, i);
        if (e.flags & BUCKET_LEAF_FLAG) yield* this.child(e.value).pages();
      }
    } else {
      throw new BoltFormatError(`page ${id}: invalid type ${page.flags}`);
    }
  }

  private *walk(page: Page): Generator<BoltItem> {
    if (page.flags === LEAF_PAGE) {
      for (let i = 0; i < page.count; i++) {
        const e = leafAt(page, i);
        yield e.flags & BUCKET_LEAF_FLAG ? { key: e.key, value: e.value, bucket: this.child(e.value) } : { key: e.key, value: e.value };
      }
    } else if (page.flags === BRANCH_PAGE) {
      for (let i = 0; i < page.count; i++) yield* this.walk(this.db.page(branchAt(page, i).pgid));
    } else {
      throw new BoltFormatError(`invalid page type ${page.flags} in a bucket's tree`);
    }
  }

  private child(value: Buffer): BoltBucket {
    if (value.length < BUCKET_HEADER_SIZE) throw new BoltFormatError('bucket header too short');
    const root = value.readBigUInt64LE(0);
    return new BoltBucket(this.db, root, root === 0n ? Buffer.from(value.subarray(BUCKET_HEADER_SIZE)) : undefined);
  }
}

function inlinePage(buf: Buffer): Page {
  const h = readPageHeader(buf);
  return { buf, flags: h.flags, count: h.count };
}

function leafAt(page: Page, i: number): { flags: number; key: Buffer; value: Buffer } {
  const at = PAGE_HEADER_SIZE + i * ELEMENT_SIZE;
  const flags = page.buf.readUInt32LE(at);
  const pos = at + page.buf.readUInt32LE(at + 4);
  const ksize = page.buf.readUInt32LE(at + 8);
  const vsize = page.buf.readUInt32LE(at + 12);
  if (pos + ksize + vsize > page.buf.length) throw new BoltFormatError('leaf element runs past its page');
  return { flags, key: page.buf.subarray(pos, pos + ksize), value: page.buf.subarray(pos + ksize, pos + ksize + vsize) };
}

function branchAt(page: Page, i: number): { key: Buffer; pgid: bigint } {
  const at = PAGE_HEADER_SIZE + i * ELEMENT_SIZE;
  const pos = at + page.buf.readUInt32LE(at);
  const ksize = page.buf.readUInt32LE(at + 4);
  return { key: page.buf.subarray(pos, pos + ksize), pgid: page.buf.readBigUInt64LE(at + 8) };
}
