// The store's two revisions: held in memory, written to mvcc_meta when the applier ends a batch
// (current) or a compaction is applied (compacted). A write that aborts restores the current
// revision it started from, so memory never runs ahead of what is written.
import type Database from 'better-sqlite3';

type Name = 'current_rev' | 'compact_rev';

export class RevisionMeta {
  private currentRev = 1;
  private compactRev = 0;
  private dirty = false;
  private readonly getStmt: Database.Statement<[Name], number>;
  private readonly setStmt: Database.Statement<[number, Name], unknown>;

  /** Expects the schema (which seeds both rows) to exist. */
  constructor(db: Database.Database) {
    this.getStmt = db.prepare<[Name], number>(`SELECT value FROM mvcc_meta WHERE name = ?`).pluck();
    this.setStmt = db.prepare<[number, Name], unknown>(`UPDATE mvcc_meta SET value = ? WHERE name = ?`);
    this.reload();
  }

  /** Re-reads both revisions (start, or a snapshot replaced them). */
  reload(): void {
    this.currentRev = this.getStmt.get('current_rev') ?? 1;
    this.compactRev = this.getStmt.get('compact_rev') ?? 0;
    this.dirty = false;
  }

  current(): number {
    return this.currentRev;
  }

  compacted(): number {
    return this.compactRev;
  }

  setCurrent(rev: number): void {
    if (rev === this.currentRev) return;
    this.currentRev = rev;
    this.dirty = true;
  }

  setCompacted(rev: number): void {
    this.compactRev = rev;
    this.setStmt.run(rev, 'compact_rev');
  }

  /** Writes the current revision if it moved (inside the caller's transaction). */
  flush(): void {
    if (!this.dirty) return;
    this.setStmt.run(this.currentRev, 'current_rev');
    this.dirty = false;
  }
}
