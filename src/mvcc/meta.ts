// The store's two revisions, read from the database on every use rather than
// cached: a caller's outer transaction may roll back writes this store already
// made, and a cache would then disagree with the data.
import type Database from 'better-sqlite3';

type Name = 'current_rev' | 'compact_rev';

export class RevisionMeta {
  private readonly getStmt: Database.Statement<[Name], number>;
  private readonly setStmt: Database.Statement<[number, Name], unknown>;

  /** Expects the schema (which seeds both rows) to exist. */
  constructor(db: Database.Database) {
    this.getStmt = db.prepare<[Name], number>(`SELECT value FROM mvcc_meta WHERE name = ?`).pluck();
    this.setStmt = db.prepare<[number, Name], unknown>(`UPDATE mvcc_meta SET value = ? WHERE name = ?`);
  }

  current(): number {
    return this.read('current_rev');
  }

  compacted(): number {
    return this.read('compact_rev');
  }

  setCurrent(rev: number): void {
    this.setStmt.run(rev, 'current_rev');
  }

  setCompacted(rev: number): void {
    this.setStmt.run(rev, 'compact_rev');
  }

  private read(name: Name): number {
    const v = this.getStmt.get(name);
    if (v === undefined) throw new Error(`mvcc: meta row ${name} missing`);
    return v;
  }
}
