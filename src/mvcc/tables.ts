// The MVCC store's storage: rows on disk (schema.ts), appended in revision order, and the key
// index in memory (key-index.ts) that says which rows each key has. Every statement is prepared
// once.
import type Database from 'better-sqlite3';
import { KeyIndex, keyBuffer, keyString, liveOf, versionAt, type Version } from './key-index.js';
import { keyRangeParams, keyRangeSql, type KeyRange } from './keyrange.js';
import { EMPTY, toKeyValue, type VersionRef } from './rows.js';
import { ensureSchema } from './schema.js';
import type { KeyValue } from './types.js';

type Stmt<P extends unknown[], R = unknown> = Database.Statement<P, R>;

/** A history row with its value, as watchers catching up read it. */
export interface HistoryRow {
  key: Buffer;
  v: Version;
  value: Buffer;
}

/** A kv_history row as SQLite returns it (integers as bigint). */
export interface LoadRow {
  id: bigint;
  rev: bigint;
  sub: bigint;
  key: Buffer;
  create_rev: bigint;
  version: bigint;
  lease: bigint;
  tombstone: bigint;
}

/** A kv_history row with its value (null for a tombstone). */
export type HistoryScanRow = LoadRow & { value: Buffer | null };

function toVersion(r: LoadRow): Version {
  return {
    rev: Number(r.rev),
    sub: Number(r.sub),
    id: Number(r.id),
    createRev: Number(r.create_rev),
    version: Number(r.version),
    lease: r.lease,
    tombstone: r.tombstone !== 0n,
  };
}

export class KvTables {
  private idx = new KeyIndex();
  private nextId = 1;
  private readonly load: Stmt<[], LoadRow>;
  private readonly insertHistory: Stmt<[number, number, number, Buffer, number, number, bigint, number]>;
  private readonly insertValue: Stmt<[number, Buffer]>;
  private readonly selectValue: Stmt<[number], Buffer>;
  private readonly deleteHistory: Stmt<[number]>;
  private readonly deleteValue: Stmt<[number]>;
  private readonly scanHistory = new Map<KeyRange['kind'], Stmt<[Record<string, unknown>], HistoryScanRow>>();

  constructor(db: Database.Database) {
    ensureSchema(db);
    this.insertHistory = db.prepare(
      'INSERT INTO kv_history (id, rev, sub, key, create_rev, version, lease, tombstone) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertValue = db.prepare('INSERT INTO kv_values (id, value) VALUES (?, ?)');
    this.selectValue = db.prepare<[number], Buffer>('SELECT value FROM kv_values WHERE id = ?').pluck();
    this.deleteHistory = db.prepare('DELETE FROM kv_history WHERE id = ?');
    this.deleteValue = db.prepare('DELETE FROM kv_values WHERE id = ?');
    for (const kind of ['single', 'from', 'between'] as const) {
      const where = keyRangeSql({ kind, key: EMPTY, end: EMPTY }, 'h.key');
      const stmt = db.prepare<[Record<string, unknown>], HistoryScanRow>(
        `SELECT h.id, h.rev, h.sub, h.key, h.create_rev, h.version, h.lease, h.tombstone, v.value
         FROM kv_history h LEFT JOIN kv_values v ON v.id = h.id
         WHERE h.rev >= @from AND h.rev <= @to AND ${where} ORDER BY h.rev, h.id`,
      );
      this.scanHistory.set(kind, stmt.safeIntegers(true));
    }
    this.load = db
      .prepare<[], LoadRow>('SELECT id, rev, sub, key, create_rev, version, lease, tombstone FROM kv_history ORDER BY id')
      .safeIntegers(true);
    this.reload();
  }

  get index(): KeyIndex {
    return this.idx;
  }

  /** Rebuilds the key index from the rows on disk (start, or a snapshot replaced them). */
  reload(): void {
    this.idx = new KeyIndex();
    this.nextId = 1;
    for (const r of this.load.iterate()) {
      const v = toVersion(r);
      this.idx.append(keyString(r.key), v);
      this.nextId = v.id + 1;
    }
  }

  /** Rows the last compaction dropped but that are still on disk (a restart in the middle of removing them). */
  leftovers(compactRev: number): number[] {
    return compactRev > 0 ? this.index.compact(compactRev) : [];
  }

  value(id: number): Buffer {
    return this.selectValue.get(id) ?? EMPTY;
  }

  /** The key's newest version with its value, when the key is live. */
  latest(key: Buffer): KeyValue | undefined {
    const v = liveOf(this.index.get(keyString(key)));
    return v && toKeyValue(key, v, this.value(v.id));
  }

  /** Appends a change of `key`; returns how many versions the key had, for an undo. */
  append(key: Buffer, change: Omit<Version, 'id'>, value: Buffer | undefined): { id: number; hadVersions: number } {
    const id = this.nextId++;
    const v: Version = { ...change, id };
    this.insertHistory.run(id, v.rev, v.sub, key, v.createRev, v.version, v.lease, v.tombstone ? 1 : 0);
    if (value !== undefined) this.insertValue.run(id, value);
    return { id, hadVersions: this.index.append(keyString(key), v) };
  }

  /** Takes back appended rows (ids at or after `firstId`) and their index entries. */
  undo(firstId: number, keys: ReadonlyMap<string, number>): void {
    for (const [key, length] of keys) this.index.truncate(key, length);
    this.removeRows(Array.from({ length: this.nextId - firstId }, (_, i) => firstId + i));
    this.nextId = firstId;
  }

  peekNextId(): number {
    return this.nextId;
  }

  /** Deletes rows from disk (the index no longer points at them). */
  removeRows(ids: readonly number[]): void {
    for (const id of ids) {
      this.deleteHistory.run(id);
      this.deleteValue.run(id);
    }
  }

  /** Keys live at `rev` in the range, in key order, at most `limit` (<= 0: all). */
  scan(range: KeyRange, rev: number, limit: number): VersionRef[] {
    const out: VersionRef[] = [];
    this.index.scan(range, (key, versions) => {
      const v = versionAt(versions, rev);
      if (v !== undefined && !v.tombstone) out.push({ key, v });
      return limit <= 0 || out.length < limit;
    });
    return out;
  }

  count(range: KeyRange, rev: number): number {
    let n = 0;
    this.index.scan(range, (_key, versions) => {
      const v = versionAt(versions, rev);
      if (v !== undefined && !v.tombstone) n++;
      return true;
    });
    return n;
  }

  /** The KeyValue of a version, with its value unless `withValue` is false. */
  keyValue(ref: VersionRef, withValue = true): KeyValue {
    return toKeyValue(keyBuffer(ref.key), ref.v, withValue ? this.value(ref.v.id) : EMPTY);
  }

  /** The key's version just before (rev, sub), tombstone or not; undefined when compacted away. */
  previousVersion(key: string, rev: number, sub: number): Version | undefined {
    const versions = this.index.get(key);
    if (versions === undefined) return undefined;
    for (let i = versions.length - 1; i >= 0; i--) {
      const v = versions[i]!;
      if (v.rev < rev || (v.rev === rev && v.sub < sub)) return v;
    }
    return undefined;
  }

  /** Rows of keys in the range with from <= rev <= to, in (rev, sub) order, values included. */
  *history(range: KeyRange, from: number, to: number): Generator<HistoryRow> {
    const stmt = this.scanHistory.get(range.kind)!;
    for (const r of stmt.iterate({ ...keyRangeParams(range), from, to })) yield { key: r.key, v: toVersion(r), value: r.value ?? EMPTY };
  }

  leaseKeys(lease: bigint): Buffer[] {
    return this.index.leaseKeys(lease).map(keyBuffer);
  }

  keyCount(): number {
    return this.index.liveCount();
  }
}
