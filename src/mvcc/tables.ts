// Row-level access to the MVCC tables. Every statement is prepared once: the
// fixed ones here, the per-key-range-shape ones on first use (cached by SQL).
import type Database from 'better-sqlite3';
import { type KeyRange, keyRangeParams, keyRangeSql } from './keyrange.js';
import type { VersionRow } from './rows.js';
import { ensureSchema } from './schema.js';

const COLS = 'h.rev, h.sub, h.key, h.value, h.create_rev, h.version, h.lease, h.tombstone';
/** The newest version of h.key at or below @rev; uses the covering (key, rev, sub) index. */
const NEWEST_AT = `(SELECT n.id FROM mvcc_history n WHERE n.key = h.key AND n.rev <= @rev ORDER BY n.rev DESC, n.sub DESC LIMIT 1)`;

type Stmt<R> = Database.Statement<unknown[], R>;

export class KvTables {
  private readonly cache = new Map<string, Stmt<unknown>>();
  private readonly latestStmt: Stmt<VersionRow>;
  private readonly insertStmt: Stmt<unknown>;
  private readonly setLatestStmt: Stmt<unknown>;
  private readonly removeLatestStmt: Stmt<unknown>;
  private readonly previousStmt: Stmt<VersionRow>;
  private readonly leaseKeysStmt: Stmt<Buffer>;
  private readonly keyCountStmt: Stmt<bigint>;

  constructor(private readonly db: Database.Database) {
    ensureSchema(db);
    this.latestStmt = this.prepare(
      `SELECT ${COLS} FROM mvcc_latest l JOIN mvcc_history h ON h.id = l.id WHERE l.key = @key`,
    );
    this.insertStmt = this.prepare(
      `INSERT INTO mvcc_history (rev, sub, key, value, create_rev, version, lease, tombstone)
       VALUES (@rev, @sub, @key, @value, @create_rev, @version, @lease, @tombstone)`,
    );
    this.setLatestStmt = this.prepare(
      `INSERT INTO mvcc_latest (key, id, lease) VALUES (@key, @id, @lease)
       ON CONFLICT (key) DO UPDATE SET id = excluded.id, lease = excluded.lease`,
    );
    this.removeLatestStmt = this.prepare(`DELETE FROM mvcc_latest WHERE key = @key`);
    this.previousStmt = this.prepare(
      `SELECT ${COLS} FROM mvcc_history h WHERE h.key = @key AND (h.rev, h.sub) < (@rev, @sub)
       ORDER BY h.rev DESC, h.sub DESC LIMIT 1`,
    );
    this.leaseKeysStmt = this.prepare<Buffer>(`SELECT key FROM mvcc_latest WHERE lease = @lease ORDER BY key`).pluck();
    this.keyCountStmt = this.prepare<bigint>(`SELECT count(*) FROM mvcc_latest`).pluck();
  }

  private prepare<R = VersionRow>(sql: string): Stmt<R> {
    return this.db.prepare<unknown[], R>(sql).safeIntegers(true);
  }

  private cached<R>(sql: string, pluck = false): Stmt<R> {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.prepare<unknown>(sql);
      if (pluck) stmt.pluck();
      this.cache.set(sql, stmt);
    }
    return stmt as Stmt<R>;
  }

  /** The newest version of a live key. */
  latest(key: Buffer): VersionRow | undefined {
    return this.latestStmt.get({ key });
  }

  /** Appends a version; returns its id. */
  insertVersion(row: VersionRow): bigint {
    return BigInt(this.insertStmt.run(row).lastInsertRowid);
  }

  setLatest(key: Buffer, id: bigint, lease: bigint): void {
    this.setLatestStmt.run({ key, id, lease });
  }

  removeLatest(key: Buffer): void {
    this.removeLatestStmt.run({ key });
  }

  /** Live keys in the range at the newest state, in key order; limit <= 0 = all. */
  scanLatest(range: KeyRange, limit: number): VersionRow[] {
    const sql = `SELECT ${COLS} FROM mvcc_latest l JOIN mvcc_history h ON h.id = l.id
      WHERE ${keyRangeSql(range, 'l.key')} ORDER BY l.key LIMIT @limit`;
    return this.cached<VersionRow>(sql).all({ ...keyRangeParams(range), limit: limit > 0 ? limit : -1 });
  }

  /** Like scanLatest, lazily (for compares that stop at the first mismatch). */
  iterateLatest(range: KeyRange): IterableIterator<VersionRow> {
    const sql = `SELECT ${COLS} FROM mvcc_latest l JOIN mvcc_history h ON h.id = l.id
      WHERE ${keyRangeSql(range, 'l.key')} ORDER BY l.key`;
    return this.cached<VersionRow>(sql).iterate(keyRangeParams(range));
  }

  countLatest(range: KeyRange): number {
    const sql = `SELECT count(*) FROM mvcc_latest l WHERE ${keyRangeSql(range, 'l.key')}`;
    return Number(this.cached<bigint>(sql, true).get(keyRangeParams(range)));
  }

  /** Keys live at revision `rev` (their newest version <= rev is not a tombstone), in key order. */
  scanAt(range: KeyRange, rev: number, limit: number): VersionRow[] {
    const sql = `SELECT ${COLS} FROM mvcc_history h
      WHERE ${keyRangeSql(range, 'h.key')} AND h.rev <= @rev AND h.tombstone = 0 AND h.id = ${NEWEST_AT}
      ORDER BY h.key LIMIT @limit`;
    return this.cached<VersionRow>(sql).all({ ...keyRangeParams(range), rev, limit: limit > 0 ? limit : -1 });
  }

  countAt(range: KeyRange, rev: number): number {
    const sql = `SELECT count(*) FROM mvcc_history h
      WHERE ${keyRangeSql(range, 'h.key')} AND h.rev <= @rev AND h.tombstone = 0 AND h.id = ${NEWEST_AT}`;
    return Number(this.cached<bigint>(sql, true).get({ ...keyRangeParams(range), rev }));
  }

  /** The version of `key` just before (rev, sub), tombstone or not. */
  previousVersion(key: Buffer, rev: bigint, sub: bigint): VersionRow | undefined {
    return this.previousStmt.get({ key, rev, sub });
  }

  /** Versions with from <= rev <= to of keys in the range, in (rev, sub) order. */
  iterateHistory(range: KeyRange, from: number, to: number): IterableIterator<VersionRow> {
    const sql = `SELECT ${COLS} FROM mvcc_history h
      WHERE h.rev >= @from AND h.rev <= @to AND ${keyRangeSql(range, 'h.key')} ORDER BY h.rev, h.sub`;
    return this.cached<VersionRow>(sql).iterate({ ...keyRangeParams(range), from, to });
  }

  /**
   * Versions with after < rev <= upto in (key, rev, sub) order. Walks the key
   * index and fetches rows by id, so no temporary sort of whole rows is needed.
   */
  iterateByKey(after: number, upto: number): IterableIterator<VersionRow> {
    const sql = `SELECT ${COLS} FROM mvcc_history k INDEXED BY mvcc_history_key JOIN mvcc_history h ON h.id = k.id
      WHERE k.rev > @after AND k.rev <= @upto ORDER BY k.key, k.rev, k.sub`;
    return this.cached<VersionRow>(sql).iterate({ after, upto });
  }

  /** Every stored version in (rev, sub) order. */
  iterateAll(): IterableIterator<VersionRow> {
    return this.cached<VersionRow>(`SELECT ${COLS} FROM mvcc_history h ORDER BY h.rev, h.sub`).iterate();
  }

  leaseKeys(lease: bigint): Buffer[] {
    return this.leaseKeysStmt.all({ lease });
  }

  keyCount(): number {
    return Number(this.keyCountStmt.get());
  }

  /**
   * Drops versions at or below `rev` except each key's newest one there, which
   * goes too when it is a tombstone. Versions at or below `previous` (the last
   * compaction) are already one kept version per key, so only keys written in
   * (previous, rev] need looking at. Returns the number of rows removed.
   */
  compact(previous: number, rev: number): number {
    const sql = `DELETE FROM mvcc_history AS h
      WHERE h.rev <= @rev
        AND h.key IN (SELECT c.key FROM mvcc_history c WHERE c.rev > @previous AND c.rev <= @rev)
        AND (h.tombstone = 1 OR EXISTS (
          SELECT 1 FROM mvcc_history n WHERE n.key = h.key AND n.rev <= @rev AND (n.rev, n.sub) > (h.rev, h.sub)))`;
    return this.cached<unknown>(sql).run({ previous, rev }).changes;
  }
}
