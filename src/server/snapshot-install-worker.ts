// Worker entry: replaces the contents of the state database with a received snapshot's, on a
// connection of its own, in one transaction, then checkpoints so the result is durable. The main
// thread's connection keeps serving the old state until the transaction commits.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface InstallRequest {
  dbPath: string;
  snapshotPath: string;
}

export type InstallResult = { ok: true } | { ok: false; error: string };

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function columns(db: Database.Database, schema: string, table: string): string[] {
  return db.prepare(`SELECT name FROM ${schema}.pragma_table_info(?)`).pluck().all(table) as string[];
}

function install(req: InstallRequest): void {
  const db = new Database(req.dbPath, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 60000');
    db.prepare('ATTACH DATABASE ? AS snap').run(req.snapshotPath);
    const tables = db.prepare("SELECT name FROM snap.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
    const ours = new Set(db.prepare("SELECT name FROM main.sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    db.transaction(() => {
      for (const t of tables) {
        if (!ours.has(t)) continue;
        // Only the columns both sides have: a snapshot from an older version may lack new ones.
        const mine = new Set(columns(db, 'main', t));
        const cols = columns(db, 'snap', t).filter((c) => mine.has(c)).map(quote).join(', ');
        db.exec(`DELETE FROM main.${quote(t)}; INSERT INTO main.${quote(t)} (${cols}) SELECT ${cols} FROM snap.${quote(t)};`);
      }
    })();
    db.exec('DETACH DATABASE snap');
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

const port = parentPort;
if (port !== null) {
  let result: InstallResult;
  try {
    install(workerData as InstallRequest);
    result = { ok: true };
  } catch (err) {
    result = { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(result);
}
