// The request IDs applied in the last WINDOW_ENTRIES log entries, so a request proposed again after
// a leader change (proposer.ts) is applied once even when its first copy commits too. A re-proposal
// always lands after the first copy in the log (a later term's entry at a higher index), so only
// the window behind the current entry is needed. The window is part of the replicated state: every
// member decides the same from the same entries, and it travels in snapshots with the database.
import type Database from 'better-sqlite3';

/** Far wider than the entries a member can append during one request timeout. */
export const WINDOW_ENTRIES = 200_000;

export class RequestWindow {
  /** id -> index of the entry that applied it. */
  private readonly byId = new Map<bigint, number>();
  /** The same pairs in apply order, for expiry: ids[i] applied at indexes[i]. */
  private ids: bigint[] = [];
  private indexes: number[] = [];
  private head = 0;
  /** Pairs noted since the last flush. */
  private pending: bigint[] = [];
  private readonly insert: Database.Statement<[number, Buffer]>;
  private readonly prune: Database.Statement<[number]>;
  private readonly rows: Database.Statement<[number], { pairs: Buffer }>;

  constructor(db: Database.Database) {
    db.exec('CREATE TABLE IF NOT EXISTS request_window (last_index INTEGER PRIMARY KEY, pairs BLOB NOT NULL)');
    this.insert = db.prepare('INSERT OR REPLACE INTO request_window (last_index, pairs) VALUES (?, ?)');
    this.prune = db.prepare('DELETE FROM request_window WHERE last_index < ?');
    this.rows = db.prepare<[number], { pairs: Buffer }>('SELECT pairs FROM request_window WHERE last_index >= ? ORDER BY last_index');
  }

  /** Rebuilds the window from the database, as of `appliedIndex` (start, or after a snapshot). */
  load(appliedIndex: number): void {
    this.byId.clear();
    this.ids = [];
    this.indexes = [];
    this.head = 0;
    this.pending = [];
    for (const { pairs } of this.rows.all(appliedIndex - WINDOW_ENTRIES)) {
      const words = new BigUint64Array(pairs.buffer, pairs.byteOffset, pairs.byteLength / 8);
      for (let i = 0; i + 1 < words.length; i += 2) this.remember(words[i] ?? 0n, Number(words[i + 1] ?? 0n));
    }
    this.expire(appliedIndex);
  }

  /** True when `id` was applied within the window (so this entry is a duplicate). */
  has(id: bigint): boolean {
    return this.byId.has(id);
  }

  note(id: bigint, index: number): void {
    this.remember(id, index);
    this.pending.push(id, BigInt(index));
    this.expire(index);
  }

  /** Writes the pairs noted since the last flush; runs inside the apply transaction. */
  flush(lastIndex: number): void {
    if (this.pending.length === 0) return;
    const words = BigUint64Array.from(this.pending);
    this.pending = [];
    this.insert.run(lastIndex, Buffer.from(words.buffer, words.byteOffset, words.byteLength));
    this.prune.run(lastIndex - WINDOW_ENTRIES);
  }

  private remember(id: bigint, index: number): void {
    this.byId.set(id, index);
    this.ids.push(id);
    this.indexes.push(index);
  }

  private expire(current: number): void {
    const oldest = current - WINDOW_ENTRIES;
    while (this.head < this.indexes.length && (this.indexes[this.head] ?? 0) < oldest) {
      const id = this.ids[this.head] ?? 0n;
      if (this.byId.get(id) === this.indexes[this.head]) this.byId.delete(id);
      this.head++;
    }
    // Drop the expired prefix now and then, so the arrays stay bounded too.
    if (this.head > 65_536 && this.head * 2 > this.ids.length) {
      this.ids = this.ids.slice(this.head);
      this.indexes = this.indexes.slice(this.head);
      this.head = 0;
    }
  }
}
