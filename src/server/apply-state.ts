// The applied index and the term of that entry, kept in the state database in the same
// transaction as the state they produced. The term lets a snapshot of the database say where in
// the Raft log it stands.
import type Database from 'better-sqlite3';

export interface ApplyPoint {
  index: number;
  term: number;
}

export function ensureApplyState(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS apply_state (id INTEGER PRIMARY KEY CHECK (id = 0), applied_index INTEGER NOT NULL)');
  const cols = db.prepare("SELECT name FROM pragma_table_info('apply_state')").pluck().all() as string[];
  if (!cols.includes('applied_term')) db.exec('ALTER TABLE apply_state ADD COLUMN applied_term INTEGER NOT NULL DEFAULT 0');
  db.exec('INSERT OR IGNORE INTO apply_state (id, applied_index, applied_term) VALUES (0, 0, 0)');
}

export function readApplyState(db: Database.Database): ApplyPoint {
  const row = db.prepare('SELECT applied_index AS i, applied_term AS t FROM apply_state WHERE id = 0').get() as { i: number; t: number } | undefined;
  return { index: row?.i ?? 0, term: row?.t ?? 0 };
}

export function applyStateWriter(db: Database.Database): (p: ApplyPoint) => void {
  const stmt = db.prepare<[number, number]>('UPDATE apply_state SET applied_index = ?, applied_term = ? WHERE id = 0');
  return (p) => {
    stmt.run(p.index, p.term);
  };
}
