// A write request in progress: every change it makes shares main revision beginRevision + 1 and
// takes the next sub-revision. Changes go straight to the tables and the key index, so reads
// through this object see them, as reads inside an etcd write txn do; abort() takes them back.
import { keyString, liveOf, type Version } from './key-index.js';
import { toKeyRange } from './keyrange.js';
import { type ReadView, executeRange } from './range.js';
import { tombstoneKeyValue } from './rows.js';
import type { KvTables } from './tables.js';
import type { KeyValue, MvccEvent, RangeRequest, RangeResult, Result } from './types.js';

export class WriteTxn {
  private sub = 0;
  /** The changes so far; prevKv is filled in only when `withPrevKv` (a watcher wants it). */
  readonly events: MvccEvent[] = [];
  private readonly firstId: number;
  /** Versions each touched key had before this write, for abort(). */
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly tables: KvTables,
    readonly beginRevision: number,
    readonly compactRevision: number,
    private readonly withPrevKv: boolean,
  ) {
    this.firstId = tables.peekNextId();
  }

  get changed(): boolean {
    return this.sub > 0;
  }

  /** The store revision as this write leaves it so far. */
  revision(): number {
    return this.changed ? this.beginRevision + 1 : this.beginRevision;
  }

  view(): ReadView {
    return { revision: this.revision(), compactRevision: this.compactRevision };
  }

  /** The key's current (live) version, including this write's own changes. */
  current(key: Buffer): Version | undefined {
    return liveOf(this.tables.index.get(keyString(key)));
  }

  /** A version with its value. */
  keyValue(key: Buffer, v: Version): KeyValue {
    return this.tables.keyValue({ key: keyString(key), v });
  }

  range(req: RangeRequest): Result<RangeResult> {
    return executeRange(this.tables, req, this.view());
  }

  /** Writes a new version; `prev` must be current(key). Returns the new KeyValue. */
  put(key: Buffer, value: Buffer, lease: bigint, prev: Version | undefined): KeyValue {
    const rev = this.beginRevision + 1;
    const change = {
      rev,
      sub: this.sub++,
      // A missing key starts a new generation.
      createRev: prev ? prev.createRev : rev,
      version: prev ? prev.version + 1 : 1,
      lease,
      tombstone: false,
    };
    const prevKv = this.withPrevKv && prev ? this.keyValue(key, prev) : undefined;
    this.record(key, this.tables.append(key, change, value));
    const kv: KeyValue = { key, value, lease, modRevision: rev, createRevision: change.createRev, version: change.version };
    this.events.push(prevKv ? { type: 'put', kv, prevKv } : { type: 'put', kv });
    return kv;
  }

  /**
   * Tombstones every live key in the range, in key order. Returns how many, and their previous
   * versions when `withPrev`.
   */
  deleteRange(key: Buffer, rangeEnd: Buffer, withPrev: boolean): { deleted: number; prevKvs: KeyValue[] } {
    const refs = this.tables.scan(toKeyRange(key, rangeEnd), Number.MAX_SAFE_INTEGER, 0);
    const prevKvs: KeyValue[] = [];
    for (const ref of refs) {
      const k = this.tables.keyValue(ref, withPrev || this.withPrevKv);
      if (withPrev) prevKvs.push(k);
      this.delete(k.key, ref.v, k);
    }
    return { deleted: refs.length, prevKvs };
  }

  /** Tombstones one live key; `prev` is its current version (and `prevKv` it with its value, if known). */
  delete(key: Buffer, prev: Version, prevKv?: KeyValue): void {
    const rev = this.beginRevision + 1;
    const full = this.withPrevKv ? (prevKv ?? this.keyValue(key, prev)) : undefined;
    const change = { rev, sub: this.sub++, createRev: 0, version: 0, lease: 0n, tombstone: true };
    this.record(key, this.tables.append(key, change, undefined));
    const kv = tombstoneKeyValue(key, rev);
    this.events.push(full ? { type: 'delete', kv, prevKv: full } : { type: 'delete', kv });
  }

  /** Takes back every change of this write. */
  abort(): void {
    this.tables.undo(this.firstId, this.touched);
    this.events.length = 0;
    this.sub = 0;
  }

  private record(key: Buffer, appended: { hadVersions: number }): void {
    const k = keyString(key);
    if (!this.touched.has(k)) this.touched.set(k, appended.hadVersions);
  }
}
