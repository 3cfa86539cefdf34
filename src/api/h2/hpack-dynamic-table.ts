// The decoder-side HPACK dynamic table (RFC 7541 §2.3.2, §4), tracking only
// what the rewriter needs: each entry's name and size. Entry i = 0 is the
// newest (HPACK index 62).

/** RFC 7541 §4.1: an entry's size is its name and value octet counts plus 32. */
export const ENTRY_OVERHEAD = 32;

export class DynamicTable {
  // Ring buffer; `head` is the slot of the oldest entry.
  private names: string[] = new Array<string>(16);
  private sizes: number[] = new Array<number>(16);
  private head = 0;
  private count = 0;
  private bytes = 0;

  constructor(private max = 4096) {}

  get length(): number {
    return this.count;
  }

  /** Sum of entry sizes. */
  get size(): number {
    return this.bytes;
  }

  get maxSize(): number {
    return this.max;
  }

  /** Name of entry i (0 = newest), or undefined past the end. */
  nameAt(i: number): string | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.names[(this.head + this.count - 1 - i) % this.names.length];
  }

  /** §4.4: evict oldest entries to make room; an entry larger than the table empties it and is not added. */
  add(name: string, entrySize: number): void {
    this.evictTo(this.max - entrySize);
    if (entrySize > this.max) return;
    if (this.count === this.names.length) this.grow();
    const slot = (this.head + this.count) % this.names.length;
    this.names[slot] = name;
    this.sizes[slot] = entrySize;
    this.count++;
    this.bytes += entrySize;
  }

  /** §4.3 / §6.3: a dynamic table size update. */
  setMaxSize(max: number): void {
    this.max = max;
    this.evictTo(max);
  }

  private evictTo(limit: number): void {
    while (this.count > 0 && this.bytes > limit) {
      this.bytes -= this.sizes[this.head] ?? 0;
      this.names[this.head] = '';
      this.head = (this.head + 1) % this.names.length;
      this.count--;
    }
  }

  private grow(): void {
    const names = new Array<string>(this.names.length * 2);
    const sizes = new Array<number>(this.names.length * 2);
    for (let i = 0; i < this.count; i++) {
      const from = (this.head + i) % this.names.length;
      names[i] = this.names[from] ?? '';
      sizes[i] = this.sizes[from] ?? 0;
    }
    this.names = names;
    this.sizes = sizes;
    this.head = 0;
  }
}
