import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';

// A snapshot of the state machine is a copy of the whole state database, which already holds the
// applied index, the membership and the leases next to the keys.

function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'raftkv-state-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A consistent copy of the database as bytes. */
export function copySnapshot(db: Database.Database): Uint8Array {
  return withTempDir((dir) => {
    const path = join(dir, 'snap.db');
    db.prepare('VACUUM INTO ?').run(path);
    return readFileSync(path);
  });
}

/**
 * Replaces every table's contents with the snapshot's, in one transaction, then checkpoints so the
 * result is durable before the caller discards the log that led to the old state.
 */
export function restoreSnapshot(db: Database.Database, data: Uint8Array): void {
  withTempDir((dir) => {
    const path = join(dir, 'incoming.db');
    writeFileSync(path, data);
    db.prepare("ATTACH DATABASE ? AS snap").run(path);
    try {
      const tables = (
        db.prepare("SELECT name FROM snap.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]
      ).map((t) => t.name);
      db.transaction(() => {
        for (const t of tables) {
          const q = `"${t.replace(/"/g, '""')}"`;
          db.exec(`DELETE FROM main.${q}; INSERT INTO main.${q} SELECT * FROM snap.${q};`);
        }
      })();
    } finally {
      db.exec('DETACH DATABASE snap');
    }
  });
  db.pragma('wal_checkpoint(FULL)');
}
