// The in-memory key index (etcd's treeIndex): for every key, its versions since the last
// compaction, in revision order, kept in a B+ tree sorted by key. Reads find keys and revisions
// here and fetch only the values they return from disk; writes append to disk in revision order,
// so no on-disk index is keyed by key. Keys are held as latin1 strings, whose order is byte order.
import BTreeModule from 'sorted-btree';
import type { KeyRange } from './keyrange.js';

// sorted-btree is CommonJS: Node hands its module.exports to a default import, while bundlers
// (vitest) hand over its `default` export, the class itself.
type BTreeClass = typeof BTreeModule.default;
const BTree: BTreeClass = 'default' in BTreeModule ? BTreeModule.default : (BTreeModule as unknown as BTreeClass);

/** One stored version of a key. */
export interface Version {
  rev: number;
  sub: number;
  /** Row id on disk (kv_history, kv_values): insertion order, which is (rev, sub) order. */
  id: number;
  /** 0 for a tombstone. */
  createRev: number;
  /** 0 for a tombstone. */
  version: number;
  lease: bigint;
  tombstone: boolean;
}

/** A key range with string bounds, resolved once per scan. */
type StrRange = { kind: 'single'; key: string } | { kind: 'from'; key: string } | { kind: 'between'; key: string; end: string };

export function keyString(key: Buffer): string {
  return key.toString('latin1');
}

export function keyBuffer(key: string): Buffer {
  return Buffer.from(key, 'latin1');
}

function strRange(r: KeyRange): StrRange {
  if (r.kind === 'single') return { kind: 'single', key: keyString(r.key) };
  if (r.kind === 'from') return { kind: 'from', key: keyString(r.key) };
  return { kind: 'between', key: keyString(r.key), end: keyString(r.end) };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The newest version at or below `rev`, or undefined. */
export function versionAt(versions: readonly Version[], rev: number): Version | undefined {
  for (let i = versions.length - 1; i >= 0; i--) {
    const v = versions[i]!;
    if (v.rev <= rev) return v;
  }
  return undefined;
}

/** The key's newest version when it is live. */
export function liveOf(versions: readonly Version[] | undefined): Version | undefined {
  const v = versions?.[versions.length - 1];
  return v === undefined || v.tombstone ? undefined : v;
}

export class KeyIndex {
  private readonly tree = new BTree<string, Version[]>(undefined, compare);
  private live = 0;
  /** Live keys per lease, for revokes. */
  private readonly byLease = new Map<bigint, Set<string>>();

  /** Versions of a key, oldest first; the array must not be changed by the caller. */
  get(key: string): readonly Version[] | undefined {
    return this.tree.get(key);
  }

  liveCount(): number {
    return this.live;
  }

  /** Appends a version (newer than every one the key has); returns how many versions it had. */
  append(key: string, v: Version): number {
    const versions = this.tree.get(key);
    const before = liveOf(versions);
    if (versions === undefined) this.tree.set(key, [v]);
    else versions.push(v);
    this.account(key, before, v.tombstone ? undefined : v);
    return versions === undefined ? 0 : versions.length - 1;
  }

  /** Undoes appends: the key keeps its first `length` versions (none: it is removed). */
  truncate(key: string, length: number): void {
    const versions = this.tree.get(key);
    if (versions === undefined) return;
    const before = liveOf(versions);
    if (length === 0) this.tree.delete(key);
    else versions.length = length;
    this.account(key, before, length === 0 ? undefined : liveOf(versions));
  }

  /** Sets a key's versions (empty removes it). */
  private replace(key: string, versions: Version[]): void {
    const before = liveOf(this.tree.get(key));
    if (versions.length === 0) this.tree.delete(key);
    else this.tree.set(key, versions);
    this.account(key, before, liveOf(versions));
  }

  /** Keeps the live count and the lease map in step with a key's newest live version. */
  private account(key: string, before: Version | undefined, after: Version | undefined): void {
    if (before !== undefined) {
      this.live--;
      if (before.lease !== 0n) this.leaseSet(before.lease).delete(key);
    }
    if (after !== undefined) {
      this.live++;
      if (after.lease !== 0n) this.leaseSet(after.lease).add(key);
    }
    if (before !== undefined && before.lease !== 0n && this.byLease.get(before.lease)?.size === 0) this.byLease.delete(before.lease);
  }

  /** Live keys attached to the lease, in key order. */
  leaseKeys(lease: bigint): string[] {
    return [...(this.byLease.get(lease) ?? [])].sort(compare);
  }

  /** Calls `fn` for every key in the range in key order until it returns false. */
  scan(range: KeyRange, fn: (key: string, versions: readonly Version[]) => boolean): void {
    const r = strRange(range);
    if (r.kind === 'single') {
      const versions = this.tree.get(r.key);
      if (versions !== undefined) fn(r.key, versions);
      return;
    }
    if (r.kind === 'between' && r.end <= r.key) return;
    for (const [key, versions] of this.tree.entries(r.key)) {
      if (r.kind === 'between' && key >= r.end) return;
      if (!fn(key, versions)) return;
    }
  }

  /** Every key in key order. */
  entries(): IterableIterator<[string, Version[]]> {
    return this.tree.entries();
  }

  /**
   * etcd's compaction of the index: of each key's versions at or below `rev`, only the newest is
   * kept, and not even that one when it is a tombstone. Returns the row ids dropped.
   */
  compact(rev: number): number[] {
    const dropped: number[] = [];
    const changes: [string, Version[]][] = [];
    this.tree.forEachPair((key, versions) => {
      if (versions[0]!.rev > rev) return;
      let keepFrom = 0;
      while (keepFrom + 1 < versions.length && versions[keepFrom + 1]!.rev <= rev) keepFrom++;
      if (versions[keepFrom]!.tombstone) keepFrom++;
      if (keepFrom === 0) return;
      for (let i = 0; i < keepFrom; i++) dropped.push(versions[i]!.id);
      changes.push([key, versions.slice(keepFrom)]);
    });
    for (const [key, versions] of changes) this.replace(key, versions);
    return dropped;
  }

  private leaseSet(lease: bigint): Set<string> {
    let s = this.byLease.get(lease);
    if (s === undefined) this.byLease.set(lease, (s = new Set()));
    return s;
  }
}
