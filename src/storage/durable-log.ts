import Database from 'better-sqlite3';
import type { Entry as LogEntry, EntryType, HardState } from '../raft/types.js';

// The durable Raft log: entries, hard state and the compaction point, in their own SQLite file.
// Every save() that writes is one transaction with synchronous=FULL, so it is fsync'd when save()
// returns: that is the persistence Raft requires before a vote, an append ack or a client reply.

/** Raft's own entry and hard state types: this log stores exactly what the Raft core hands out. */
export type { LogEntry, EntryType, HardState };

interface EntryRow {
  idx: number;
  term: number;
  type: number;
  data: Buffer;
}

const TYPE_CODE: Record<EntryType, number> = { normal: 0, confChange: 1 };

/**
 * A stored type code this version does not know. Applying such an entry as anything would let
 * members diverge, so reading it stops the member.
 */
function typeOf(row: EntryRow): EntryType {
  if (row.type === TYPE_CODE.normal) return 'normal';
  if (row.type === TYPE_CODE.confChange) return 'confChange';
  throw new Error(`raftkv: log entry ${row.idx} has unknown type ${row.type}; refusing to apply it`);
}

export class DurableLog {
  private readonly db: Database.Database;
  private readonly insertEntry: Database.Statement<[number, number, number, Buffer]>;
  private readonly deleteFrom: Database.Statement<[number]>;
  private readonly deleteUpTo: Database.Statement<[number]>;
  private readonly selectRange: Database.Statement<[number, number], EntryRow>;
  private readonly selectTerm: Database.Statement<[number], { term: number }>;
  private readonly putMeta: Database.Statement<[string, string]>;
  private first: number;
  private last: number;
  private snapIndex: number;
  private snapTerm: number;
  /** The hard state Raft last handed over; `stored` is what the file holds (its commit may lag). */
  private hs: HardState;
  private stored: HardState;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS entries (idx INTEGER PRIMARY KEY, term INTEGER NOT NULL, type INTEGER NOT NULL, data BLOB NOT NULL);
      CREATE TABLE IF NOT EXISTS log_meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
    `);
    this.insertEntry = this.db.prepare('INSERT OR REPLACE INTO entries (idx, term, type, data) VALUES (?, ?, ?, ?)');
    this.deleteFrom = this.db.prepare('DELETE FROM entries WHERE idx >= ?');
    this.deleteUpTo = this.db.prepare('DELETE FROM entries WHERE idx <= ?');
    this.selectRange = this.db.prepare('SELECT idx, term, type, data FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx');
    this.selectTerm = this.db.prepare('SELECT term FROM entries WHERE idx = ?');
    this.putMeta = this.db.prepare('INSERT OR REPLACE INTO log_meta (k, v) VALUES (?, ?)');

    const meta = new Map(
      (this.db.prepare('SELECT k, v FROM log_meta').all() as { k: string; v: string }[]).map((r) => [r.k, r.v]),
    );
    this.snapIndex = Number(meta.get('snap_index') ?? '0');
    this.snapTerm = Number(meta.get('snap_term') ?? '0');
    this.hs = {
      term: Number(meta.get('hs_term') ?? '0'),
      vote: BigInt(meta.get('hs_vote') ?? '0'),
      commit: Number(meta.get('hs_commit') ?? '0'),
    };
    this.stored = { ...this.hs };
    const bounds = this.db.prepare('SELECT max(idx) AS hi FROM entries').get() as { hi: number | null };
    this.first = this.snapIndex + 1;
    this.last = bounds.hi ?? this.snapIndex;
  }

  /** Index of the first entry still held (entries before it were compacted into a snapshot). */
  firstIndex(): number {
    return this.first;
  }

  lastIndex(): number {
    return this.last;
  }

  hardState(): HardState {
    return { ...this.hs };
  }

  snapshotPoint(): { index: number; term: number } {
    return { index: this.snapIndex, term: this.snapTerm };
  }

  /** Entries in [lo, hi). The caller keeps lo >= firstIndex(). */
  entries(lo: number, hi: number): LogEntry[] {
    return this.selectRange.all(lo, hi).map((r) => ({
      index: r.idx,
      term: r.term,
      type: typeOf(r),
      data: r.data,
    }));
  }

  /** The term of entry i, or undefined when i is outside the held log (the compaction point still answers). */
  term(i: number): number | undefined {
    if (i === this.snapIndex) return this.snapTerm;
    return this.selectTerm.get(i)?.term;
  }

  /**
   * Durably writes the hard state and appends entries, replacing any held entries at or after
   * entries[0].index (a leader's log overrides a conflicting suffix), and returns after fsync.
   *
   * Without `sync` only the commit index moved (Raft's MustSync is false exactly then). That save
   * writes nothing: the new commit index rides with the next synced save, or with close(). A crash
   * meanwhile leaves an older commit index, which is safe (never ahead of what committed): on
   * restart the core commits up to the state machine's applied index and learns the rest from the
   * leader, as with etcd's unsynced hard state. This spares every member a transaction per write.
   */
  save(hardState: HardState | undefined, entries: readonly LogEntry[], sync = true): void {
    if (hardState === undefined && entries.length === 0) return;
    if (!sync && entries.length === 0 && hardState !== undefined) {
      this.hs = { ...hardState };
      return;
    }
    const next = hardState ?? this.hs;
    this.db.transaction(() => {
      const head = entries[0];
      if (head !== undefined && head.index <= this.last) this.deleteFrom.run(head.index);
      for (const e of entries) this.insertEntry.run(e.index, e.term, TYPE_CODE[e.type], Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength));
      this.writeHardState(next);
    })();
    const tail = entries[entries.length - 1];
    if (tail !== undefined) this.last = tail.index;
    this.hs = { ...next };
  }

  /** Writes the fields of `hs` that differ from what the file holds (usually the commit index alone). */
  private writeHardState(hs: HardState): void {
    const stored = this.stored;
    if (hs.term !== stored.term) this.putMeta.run('hs_term', String(hs.term));
    if (hs.vote !== stored.vote) this.putMeta.run('hs_vote', String(hs.vote));
    if (hs.commit !== stored.commit) this.putMeta.run('hs_commit', String(hs.commit));
    this.stored = { ...hs };
  }

  /** Drops entries up to and including `index`, remembering its term as the compaction point. */
  compact(index: number, term: number): void {
    if (index <= this.snapIndex) return;
    this.db.transaction(() => {
      this.deleteUpTo.run(index);
      this.putMeta.run('snap_index', String(index));
      this.putMeta.run('snap_term', String(term));
    })();
    this.snapIndex = index;
    this.snapTerm = term;
    this.first = index + 1;
    if (this.last < index) this.last = index;
  }

  /** The member and cluster IDs this data directory belongs to, once bootstrapped. */
  identity(): { memberId: bigint; clusterId: bigint } | undefined {
    const rows = this.db.prepare("SELECT k, v FROM log_meta WHERE k IN ('member_id', 'cluster_id')").all() as { k: string; v: string }[];
    const m = new Map(rows.map((r) => [r.k, r.v]));
    const member = m.get('member_id');
    const cluster = m.get('cluster_id');
    return member === undefined || cluster === undefined ? undefined : { memberId: BigInt(member), clusterId: BigInt(cluster) };
  }

  setIdentity(memberId: bigint, clusterId: bigint): void {
    this.db.transaction(() => {
      this.putMeta.run('member_id', memberId.toString());
      this.putMeta.run('cluster_id', clusterId.toString());
    })();
  }

  /** Discards the whole log for an installed snapshot: the log restarts after (index, term). */
  reset(index: number, term: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM entries').run();
      this.putMeta.run('snap_index', String(index));
      this.putMeta.run('snap_term', String(term));
    })();
    this.snapIndex = index;
    this.snapTerm = term;
    this.first = index + 1;
    this.last = index;
  }

  close(): void {
    // A commit index held back by an unsynced save; no fsync is needed (see save()).
    if (this.hs.commit !== this.stored.commit && this.db.open) this.writeHardState(this.hs);
    this.db.close();
  }
}
