// The MVCC key-value store: etcd 3.4's revision model over SQLite tables
// (schema.ts). Every write method is atomic on its own (a savepoint, nested in
// whatever transaction the caller holds) and reports failures as values.
import type Database from 'better-sqlite3';
import { applyDeleteRange, applyPut } from './apply.js';
import { checkCompact, compactTo } from './compact.js';
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
  MvccError,
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

/** Thrown inside a savepoint to roll back a write that failed part-way. */
class Abort extends Error {
  constructor(readonly error: MvccError) {
    super(`mvcc: write aborted: ${error.kind}`);
  }
}

export class MvccStore {
  private readonly tables: KvTables;
  private readonly meta: RevisionMeta;

  /** `db` is opened (WAL) and owned by the caller; the store adds its mvcc_* tables. */
  constructor(
    private readonly db: Database.Database,
    private readonly leases: LeaseLookup,
  ) {
    this.tables = new KvTables(db);
    this.meta = new RevisionMeta(db);
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

  /** Errors: compacted (rev <= compact revision), future_rev (rev > current). */
  compact(revision: number): Result<WriteOutcome<null>> {
    const err = checkCompact(this.meta, revision);
    if (err) return { ok: false, error: err };
    this.db.transaction(() => compactTo(this.tables, this.meta, revision))();
    return { ok: true, value: { result: null, revision: this.meta.current(), events: [] } };
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
        const prev = w.get(key);
        if (!prev) continue;
        w.delete(prev);
        prevKvs.push(prev);
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

  private view(): ReadView {
    return { revision: this.meta.current(), compactRevision: this.meta.compacted() };
  }

  /**
   * Runs one write request in a savepoint. A failure rolls back anything it
   * wrote; the revision advances (once) only when something changed. Nothing is
   * cached in memory, so rollbacks (ours or the caller's) leave nothing stale.
   */
  private write<T>(fn: (w: WriteTxn) => Result<T>): Result<WriteOutcome<T>> {
    try {
      return this.db.transaction((): Result<WriteOutcome<T>> => {
        const w = new WriteTxn(this.tables, this.meta.current(), this.meta.compacted());
        const r = fn(w);
        if (!r.ok) throw new Abort(r.error);
        if (w.changed) this.meta.setCurrent(w.revision());
        return { ok: true, value: { result: r.value, revision: w.revision(), events: w.events } };
      })();
    } catch (e) {
      if (e instanceof Abort) return { ok: false, error: e.error };
      throw e;
    }
  }
}
