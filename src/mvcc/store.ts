// The MVCC key-value store: etcd 3.4's revision model over rows appended in revision order and a
// key index in memory (tables.ts). Writes run inside whatever transaction the caller holds (the
// applier's); each write request is atomic on its own: one that fails part-way takes its changes
// back. Failures are reported as values.
import type Database from 'better-sqlite3';
import { applyDeleteRange, applyPut } from './apply.js';
import { checkCompact, compactTo, RowRemoval } from './compact.js';
import { hashStore, hashVersions } from './hash.js';
import { readHistory } from './history.js';
import { RevisionMeta } from './meta.js';
import { type ReadView, executeRange } from './range.js';
import { KvTables } from './tables.js';
import { applyTxn, checkTxn, planTxn } from './txn.js';
import { WriteTxn } from './write.js';
import type {
  DeleteRangeRequest,
  DeleteRangeResult,
  HashKvResult,
  HistoryRequest,
  KeyValue,
  LeaseLookup,
  MvccEvent,
  PutRequest,
  PutResult,
  RangeRequest,
  RangeResult,
  Result,
  TxnRequest,
  TxnResult,
  WriteOutcome,
} from './types.js';

export interface MvccStoreOptions {
  /**
   * Whether events need the previous version of each key (a watcher asked for prev_kv). When
   * false, writes skip reading the old values. Default: always.
   */
  wantPrevKv?: () => boolean;
}

export class MvccStore {
  private readonly tables: KvTables;
  private readonly meta: RevisionMeta;
  private readonly removal: RowRemoval;
  private readonly wantPrevKv: () => boolean;

  /** `db` is opened (WAL) and owned by the caller; the store adds its tables and loads its index. */
  constructor(
    db: Database.Database,
    private readonly leases: LeaseLookup,
    opts: MvccStoreOptions = {},
  ) {
    this.tables = new KvTables(db);
    this.meta = new RevisionMeta(db);
    this.removal = new RowRemoval(this.tables);
    this.wantPrevKv = opts.wantPrevKv ?? (() => true);
    // A restart in the middle of removing a compaction's rows: the index drops them again.
    this.removal.add(this.tables.leftovers(this.meta.compacted()));
  }

  /** Re-reads everything from disk after a snapshot replaced the tables. */
  reload(): void {
    this.tables.reload();
    this.meta.reload();
    this.removal.clear();
    this.removal.add(this.tables.leftovers(this.meta.compacted()));
  }

  /** 1 for a fresh store; +1 per request that changed something. */
  currentRevision(): number {
    return this.meta.current();
  }

  /** 0 until the first compaction. */
  compactRevision(): number {
    return this.meta.compacted();
  }

  range(req: RangeRequest): Result<RangeResult> {
    return executeRange(this.tables, req, this.view());
  }

  put(req: PutRequest): Result<WriteOutcome<PutResult>> {
    // etcd checks the requested lease before ignore_lease replaces it.
    if (req.lease !== 0n && !this.leases.exists(req.lease)) return { ok: false, error: { kind: 'lease_not_found' } };
    return this.write((w) => applyPut(w, req));
  }

  deleteRange(req: DeleteRangeRequest): Result<WriteOutcome<DeleteRangeResult>> {
    return this.write((w) => ({ ok: true, value: applyDeleteRange(w, req) }));
  }

  txn(req: TxnRequest): Result<WriteOutcome<TxnResult>> {
    return this.write((w) => {
      // Compares and checks see the state before the txn: nothing written yet.
      const plan = planTxn(this.tables, req);
      const err = checkTxn(plan, this.tables, this.leases, w.view());
      if (err) return { ok: false, error: err };
      return applyTxn(w, plan);
    });
  }

  /**
   * Errors: compacted (rev <= compact revision), future_rev (rev > current). The index is
   * compacted at once; the dropped rows leave the disk later (removeCompacted).
   */
  compact(revision: number): Result<WriteOutcome<null>> {
    const err = checkCompact(this.meta, revision);
    if (err) return { ok: false, error: err };
    compactTo(this.tables, this.meta, this.removal, revision);
    return { ok: true, value: { result: null, revision: this.meta.current(), events: [] } };
  }

  /** Rows dropped by compactions that are still on disk. */
  pendingRemovals(): number {
    return this.removal.size();
  }

  /** Removes up to `max` rows dropped by compactions; returns how many still wait. */
  removeCompacted(max: number): number {
    return this.removal.removeSome(max);
  }

  /**
   * Deletes every key attached to the lease, in key order (as etcd's lessor
   * does, so members agree), in one revision; no revision when there are none.
   * prevKvs holds the deleted versions.
   */
  revokeLease(lease: bigint): WriteOutcome<DeleteRangeResult> {
    const r = this.write((w) => {
      const prevKvs: KeyValue[] = [];
      for (const key of this.tables.leaseKeys(lease)) {
        const prev = w.current(key);
        if (!prev) continue;
        const kv = w.keyValue(key, prev);
        w.delete(key, prev, kv);
        prevKvs.push(kv);
      }
      return { ok: true, value: { deleted: prevKvs.length, prevKvs } };
    });
    if (!r.ok) throw new Error(`mvcc: lease revoke failed: ${r.error.kind}`);
    return r.value;
  }

  /** Live keys attached to the lease, in key order. */
  leaseKeys(lease: bigint): Buffer[] {
    return this.tables.leaseKeys(lease);
  }

  /** Events in (revision, sub) order with prevKv; compacted when fromRevision < compact revision. */
  history(q: HistoryRequest): Result<MvccEvent[]> {
    return readHistory(this.tables, this.meta.compacted(), q);
  }

  /** CRC-32C of everything stored (all versions and both revisions). */
  hash(): number {
    return hashStore(this.tables, this.meta.current(), this.meta.compacted());
  }

  /**
   * CRC-32C of the versions in (compact revision, revision]; revision 0 = current.
   * As etcd's HashByRev: compacted when 0 < revision <= compact revision,
   * future_rev when revision > current.
   */
  hashKV(revision: number): Result<HashKvResult> {
    const current = this.meta.current();
    const compacted = this.meta.compacted();
    if (revision > 0 && revision <= compacted) return { ok: false, error: { kind: 'compacted' } };
    if (revision > current) return { ok: false, error: { kind: 'future_rev' } };
    const upto = revision > 0 ? revision : current;
    return { ok: true, value: { hash: hashVersions(this.tables, upto), compactRevision: compacted, revision: current } };
  }

  keyCount(): number {
    return this.tables.keyCount();
  }

  /** The key's current version, if live (for callers outside a write). */
  get(key: Buffer): KeyValue | undefined {
    return this.tables.latest(key);
  }

  /** Writes the current revision to the database; the caller does this before committing. */
  flush(): void {
    this.meta.flush();
  }

  private view(): ReadView {
    return { revision: this.meta.current(), compactRevision: this.meta.compacted() };
  }

  /**
   * Runs one write request. A failure takes back anything it wrote; the revision advances (once)
   * only when something changed.
   */
  private write<T>(fn: (w: WriteTxn) => Result<T>): Result<WriteOutcome<T>> {
    const w = new WriteTxn(this.tables, this.meta.current(), this.meta.compacted(), this.wantPrevKv());
    let r: Result<T>;
    try {
      r = fn(w);
    } catch (e) {
      w.abort();
      throw e;
    }
    if (!r.ok) {
      w.abort();
      return { ok: false, error: r.error };
    }
    if (w.changed) this.meta.setCurrent(w.revision());
    return { ok: true, value: { result: r.value, revision: w.revision(), events: w.events } };
  }
}

