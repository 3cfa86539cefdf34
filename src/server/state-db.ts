import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

// The state database file: how it is opened, measured and copied. A snapshot of the state machine
// is a copy of the whole database, which holds the applied index, the membership and the leases
// next to the keys.

/**
 * The Raft log is the durable record of every acknowledged write, so the state database only needs
 * to survive a process crash (WAL, synchronous=NORMAL); after a power loss it may lag the log and
 * is brought forward by replaying the log from its applied index.
 */
export function openStateDb(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}

function pragmaNumber(db: Database.Database, name: string): number {
  return db.pragma(name, { simple: true }) as number;
}

/** The file's size in bytes (etcd's dbSize). */
export function dbSize(db: Database.Database): number {
  return pragmaNumber(db, 'page_size') * pragmaNumber(db, 'page_count');
}

/** Bytes in pages that hold data (etcd's dbSizeInUse). */
export function dbSizeInUse(db: Database.Database): number {
  return pragmaNumber(db, 'page_size') * (pragmaNumber(db, 'page_count') - pragmaNumber(db, 'freelist_count'));
}

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
