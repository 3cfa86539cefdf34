// One leaf or branch page being filled, and its encoding. Elements sit after the page header, the
// keys and values after the elements; an element's pos counts from the element itself.
import { BRANCH_PAGE, ELEMENT_SIZE, LEAF_PAGE, PAGE_HEADER_SIZE, PAGE_SIZE, writePageHeader } from './format.js';

export interface LeafElement {
  flags: number;
  key: Buffer;
  value: Buffer;
}

export interface BranchElement {
  key: Buffer;
  pgid: bigint;
}

export type PageKind = 'leaf' | 'branch';

export class PageBuilder {
  readonly leaves: LeafElement[] = [];
  readonly branches: BranchElement[] = [];
  private bytes = PAGE_HEADER_SIZE;

  constructor(readonly kind: PageKind) {}

  get count(): number {
    return this.kind === 'leaf' ? this.leaves.length : this.branches.length;
  }

  get size(): number {
    return this.bytes;
  }

  get firstKey(): Buffer {
    const first = this.kind === 'leaf' ? this.leaves[0] : this.branches[0];
    if (first === undefined) throw new Error('bbolt: an empty page has no first key');
    return first.key;
  }

  /** True when adding an element of this many key+value bytes would spill a non-empty page. */
  wouldOverflow(dataBytes: number): boolean {
    return this.count > 0 && this.bytes + ELEMENT_SIZE + dataBytes > PAGE_SIZE;
  }

  addLeaf(e: LeafElement): void {
    this.leaves.push(e);
    this.bytes += ELEMENT_SIZE + e.key.length + e.value.length;
  }

  addBranch(e: BranchElement): void {
    this.branches.push(e);
    this.bytes += ELEMENT_SIZE + e.key.length;
  }

  /** The page's bytes, padded to whole pages unless `inline` (a bucket's page inside its parent). */
  encode(id: bigint, inline = false): Buffer {
    const pages = Math.ceil(this.bytes / PAGE_SIZE);
    const buf = Buffer.alloc(inline ? this.bytes : pages * PAGE_SIZE);
    writePageHeader(buf, { id, flags: this.kind === 'leaf' ? LEAF_PAGE : BRANCH_PAGE, count: this.count, overflow: inline ? 0 : pages - 1 });
    let data = PAGE_HEADER_SIZE + this.count * ELEMENT_SIZE;
    for (let i = 0; i < this.count; i++) {
      const at = PAGE_HEADER_SIZE + i * ELEMENT_SIZE;
      if (this.kind === 'leaf') {
        const e = this.leaves[i]!;
        buf.writeUInt32LE(e.flags, at);
        buf.writeUInt32LE(data - at, at + 4);
        buf.writeUInt32LE(e.key.length, at + 8);
        buf.writeUInt32LE(e.value.length, at + 12);
        data += e.key.copy(buf, data);
        data += e.value.copy(buf, data);
      } else {
        const e = this.branches[i]!;
        buf.writeUInt32LE(data - at, at);
        buf.writeUInt32LE(e.key.length, at + 4);
        buf.writeBigUInt64LE(e.pgid, at + 8);
        data += e.key.copy(buf, data);
      }
    }
    return buf;
  }
}
