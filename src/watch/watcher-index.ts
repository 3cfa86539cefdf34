import { rangeContains, rangeId, type KeyRange } from './key-range.js';

/** Anything indexed by the key range it watches. */
export interface Ranged {
  readonly range: KeyRange;
}

/**
 * Watchers by the keys they cover: single-key watchers in a hash map (the common case), range and
 * from-key watchers grouped by identical range and scanned per event. A scan is linear in the
 * number of distinct ranges, which is fine for the watcher counts we expect; an interval tree (as
 * etcd uses) would be the next step.
 */
export class WatcherIndex<W extends Ranged> {
  private readonly byKey = new Map<string, Set<W>>();
  private readonly byRange = new Map<string, { range: KeyRange; set: Set<W> }>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(w: W): void {
    if (w.range.kind === 'single') {
      const k = w.range.key.toString('latin1');
      let set = this.byKey.get(k);
      if (set === undefined) this.byKey.set(k, (set = new Set()));
      if (!set.has(w)) this.count++;
      set.add(w);
      return;
    }
    const id = rangeId(w.range);
    let group = this.byRange.get(id);
    if (group === undefined) this.byRange.set(id, (group = { range: w.range, set: new Set() }));
    if (!group.set.has(w)) this.count++;
    group.set.add(w);
  }

  /** Returns false when w was not in the index. */
  delete(w: W): boolean {
    if (w.range.kind === 'single') {
      const k = w.range.key.toString('latin1');
      const set = this.byKey.get(k);
      if (set === undefined || !set.delete(w)) return false;
      if (set.size === 0) this.byKey.delete(k);
    } else {
      const id = rangeId(w.range);
      const group = this.byRange.get(id);
      if (group === undefined || !group.set.delete(w)) return false;
      if (group.set.size === 0) this.byRange.delete(id);
    }
    this.count--;
    return true;
  }

  /** Calls fn for every watcher whose range contains key. */
  forEachMatch(key: Buffer, fn: (w: W) => void): void {
    const set = this.byKey.get(key.toString('latin1'));
    if (set !== undefined) for (const w of set) fn(w);
    for (const group of this.byRange.values()) {
      if (rangeContains(group.range, key)) for (const w of group.set) fn(w);
    }
  }

  *all(): IterableIterator<W> {
    for (const set of this.byKey.values()) yield* set;
    for (const group of this.byRange.values()) yield* group.set;
  }

  clear(): void {
    this.byKey.clear();
    this.byRange.clear();
    this.count = 0;
  }
}
