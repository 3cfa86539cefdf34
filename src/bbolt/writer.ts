// Writes a bbolt database in one pass, bottom-up: entries arrive in key order, leaves are written
// as they fill and each level of branch pages keeps only the page it is filling, so memory stays
// bounded by the tree's height whatever the number of keys. A bucket's pages come before the leaf
// of its parent that points at them. The file ends with no free pages and two identical metas.
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import {
  BUCKET_HEADER_SIZE,
  BUCKET_LEAF_FLAG,
  FREELIST_PAGE,
  MAX_INLINE_BUCKET_SIZE,
  PAGE_SIZE,
  encodeMetaPage,
  writePageHeader,
} from './format.js';
import { PageBuilder } from './page-builder.js';

export interface BoltEntry {
  key: Buffer;
  value: Buffer;
  /** The value is a bucket header, as `BoltWriter.bucket` returns it. */
  bucket?: boolean;
}

const FIRST_DATA_PAGE = 3n;
const FREELIST_PGID = 2n;
const FLUSH_BYTES = 1 << 20;

export class BoltWriter {
  private nextPgid = FIRST_DATA_PAGE;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private written = Number(FIRST_DATA_PAGE) * PAGE_SIZE;
  private closed = false;

  private constructor(private readonly fd: number) {}

  static create(path: string): BoltWriter {
    return new BoltWriter(openSync(path, 'w', 0o600));
  }

  /**
   * Writes a bucket holding `entries` (strictly increasing keys) and returns the value its parent
   * stores for it: inline when it is small and holds no bucket, as bbolt does.
   */
  bucket(entries: Iterable<BoltEntry>): Buffer {
    const it = entries[Symbol.iterator]();
    const head: BoltEntry[] = [];
    let inlineSize = 16;
    let inlineable = true;
    for (let n = it.next(); !n.done; n = it.next()) {
      head.push(n.value);
      inlineSize += 16 + n.value.key.length + n.value.value.length;
      if (n.value.bucket === true || inlineSize > MAX_INLINE_BUCKET_SIZE) {
        inlineable = false;
        break;
      }
    }
    if (inlineable) return this.inlineBucket(head);
    const tree = new TreeBuilder(this);
    for (const e of head) tree.add(e);
    for (let n = it.next(); !n.done; n = it.next()) tree.add(n.value);
    return bucketHeader(tree.finish());
  }

  /** Writes the root bucket (every entry a bucket), the freelist and both metas; closes the file. */
  finish(buckets: Iterable<BoltEntry>): { size: number } {
    const tree = new TreeBuilder(this);
    for (const b of buckets) {
      if (b.bucket !== true) throw new Error(`bbolt: the root bucket holds only buckets, not ${JSON.stringify(b.key.toString())}`);
      tree.add(b);
    }
    const root = tree.finish();
    this.flush();
    const freelist = Buffer.alloc(PAGE_SIZE);
    writePageHeader(freelist, { id: FREELIST_PGID, flags: FREELIST_PAGE, count: 0, overflow: 0 });
    writeSync(this.fd, freelist, 0, PAGE_SIZE, Number(FREELIST_PGID) * PAGE_SIZE);
    for (const id of [0, 1]) {
      const meta = encodeMetaPage(id, { pageSize: PAGE_SIZE, flags: 0, root, sequence: 0n, freelist: FREELIST_PGID, pgid: this.nextPgid, txid: BigInt(id) });
      writeSync(this.fd, meta, 0, PAGE_SIZE, id * PAGE_SIZE);
    }
    fsyncSync(this.fd);
    this.close();
    return { size: Number(this.nextPgid) * PAGE_SIZE };
  }

  /** Closes the file without finishing it (after an error). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  /** Writes an encoded page at the next free page id, which it returns. */
  emit(page: PageBuilder): bigint {
    const id = this.nextPgid;
    const buf = page.encode(id);
    this.nextPgid += BigInt(buf.length / PAGE_SIZE);
    this.pending.push(buf);
    this.pendingBytes += buf.length;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
    return id;
  }

  private flush(): void {
    const buf = Buffer.concat(this.pending, this.pendingBytes);
    if (buf.length > 0) writeSync(this.fd, buf, 0, buf.length, this.written);
    this.written += buf.length;
    this.pending = [];
    this.pendingBytes = 0;
  }

  private inlineBucket(entries: BoltEntry[]): Buffer {
    const leaf = new PageBuilder('leaf');
    let prev: Buffer | undefined;
    for (const e of entries) {
      checkOrder(prev, e.key);
      prev = e.key;
      leaf.addLeaf({ flags: 0, key: e.key, value: e.value });
    }
    return Buffer.concat([Buffer.alloc(BUCKET_HEADER_SIZE), leaf.encode(0n, true)]);
  }
}

function bucketHeader(root: bigint): Buffer {
  const b = Buffer.alloc(BUCKET_HEADER_SIZE);
  b.writeBigUInt64LE(root, 0);
  return b;
}

function checkOrder(prev: Buffer | undefined, key: Buffer): void {
  if (key.length === 0) throw new Error('bbolt: keys must not be empty');
  if (prev !== undefined && Buffer.compare(prev, key) >= 0) {
    throw new Error(`bbolt: keys out of order (${prev.toString('hex')} then ${key.toString('hex')})`);
  }
}

/** One B+tree, filled left to right: level 0 is the leaf being filled, level i+1 its parent. */
class TreeBuilder {
  private readonly levels: PageBuilder[] = [new PageBuilder('leaf')];
  /** Pages already written per level. */
  private readonly emitted: number[] = [0];
  private prev: Buffer | undefined;

  constructor(private readonly out: BoltWriter) {}

  add(e: BoltEntry): void {
    checkOrder(this.prev, e.key);
    this.prev = e.key;
    const leaf = this.levels[0]!;
    if (leaf.wouldOverflow(e.key.length + e.value.length)) this.spill(0);
    this.levels[0]!.addLeaf({ flags: e.bucket === true ? BUCKET_LEAF_FLAG : 0, key: e.key, value: e.value });
  }

  /** Writes the page of `level` and adds it to its parent; returns its page id. */
  private spill(level: number): bigint {
    const page = this.levels[level]!;
    const key = page.firstKey;
    const pgid = this.out.emit(page);
    this.levels[level] = new PageBuilder(level === 0 ? 'leaf' : 'branch');
    this.emitted[level]!++;
    if (this.levels[level + 1] === undefined) {
      this.levels.push(new PageBuilder('branch'));
      this.emitted.push(0);
    }
    const parent = this.levels[level + 1]!;
    if (parent.wouldOverflow(key.length)) this.spill(level + 1);
    this.levels[level + 1]!.addBranch({ key, pgid });
    return pgid;
  }

  /** Writes what is left and returns the root page id. */
  finish(): bigint {
    for (let level = 0; ; level++) {
      const page = this.levels[level]!;
      const top = level === this.levels.length - 1;
      if (top && this.emitted[level] === 0) return this.out.emit(page);
      if (page.count > 0) this.spill(level);
    }
  }
}
