// A write request in progress: every change it makes shares main revision
// beginRevision + 1 and takes the next sub-revision. Changes go straight into
// the tables (inside the caller's savepoint), so reads through this object see
// them, as reads inside an etcd write txn do.
import { toKeyRange } from './keyrange.js';
import { type ReadView, executeRange } from './range.js';
import { EMPTY, toKeyValue, tombstoneKeyValue } from './rows.js';
import type { KvTables } from './tables.js';
import type { KeyValue, MvccEvent, RangeRequest, RangeResult, Result } from './types.js';

export class WriteTxn {
  private sub = 0;
  /** The changes so far, with prevKv whenever the key had a live previous version. */
  readonly events: MvccEvent[] = [];

  constructor(
    private readonly tables: KvTables,
    readonly beginRevision: number,
    readonly compactRevision: number,
  ) {}

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

  /** The key's current version, including this write's own changes. */
  get(key: Buffer): KeyValue | undefined {
    const row = this.tables.latest(key);
    return row && toKeyValue(row);
  }

  range(req: RangeRequest): Result<RangeResult> {
    return executeRange(this.tables, req, this.view());
  }

  /** Writes a new version; `prev` must be get(key) (callers need it first anyway). */
  put(key: Buffer, value: Buffer, lease: bigint, prev: KeyValue | undefined): KeyValue {
    const rev = this.beginRevision + 1;
    const kv: KeyValue = {
      key,
      value,
      lease,
      modRevision: rev,
      // A missing key starts a new generation.
      createRevision: prev ? prev.createRevision : rev,
      version: prev ? prev.version + 1 : 1,
    };
    const id = this.tables.insertVersion({
      rev: BigInt(rev),
      sub: BigInt(this.sub++),
      key,
      value,
      create_rev: BigInt(kv.createRevision),
      version: BigInt(kv.version),
      lease,
      tombstone: 0n,
    });
    // Re-pointing the latest row also moves the key to its new lease (or none).
    this.tables.setLatest(key, id, lease);
    this.events.push(prev ? { type: 'put', kv, prevKv: prev } : { type: 'put', kv });
    return kv;
  }

  /** Tombstones every live key in the range, in key order; returns their previous versions. */
  deleteRange(key: Buffer, rangeEnd: Buffer): KeyValue[] {
    const prevs = this.tables.scanLatest(toKeyRange(key, rangeEnd), 0).map(toKeyValue);
    for (const prev of prevs) this.delete(prev);
    return prevs;
  }

  /** Tombstones one live key; `prev` is its current version. */
  delete(prev: KeyValue): void {
    const rev = this.beginRevision + 1;
    this.tables.insertVersion({
      rev: BigInt(rev),
      sub: BigInt(this.sub++),
      key: prev.key,
      value: EMPTY,
      create_rev: 0n,
      version: 0n,
      lease: 0n,
      tombstone: 1n,
    });
    this.tables.removeLatest(prev.key);
    this.events.push({ type: 'delete', kv: tombstoneKeyValue(prev.key, rev), prevKv: prev });
  }
}
