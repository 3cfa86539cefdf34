import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { InstallRequest, InstallResult } from './snapshot-install-worker.js';

// The state database file: how it is opened, measured and replaced by a snapshot. It holds the
// applied index, the membership, the leases and auth next to the keys, so a copy of it is a
// snapshot of the whole state machine.

/**
 * The Raft log is the durable record of every acknowledged write, so the state database only needs
 * to survive a process crash (WAL, synchronous=NORMAL); after a power loss it may lag the log and
 * is brought forward by replaying the log from its applied index.
 */
export function openStateDb(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // Snapshot builds, installs and checkpoints use connections of their own on other threads; this
  // connection never checkpoints (so the main thread never fsyncs).
  db.pragma('busy_timeout = 60000');
  db.pragma('wal_autocheckpoint = 0');
  db.pragma('journal_size_limit = 67108864');
  // The key index lives in memory; this cache holds values and the tables' upper levels.
  db.pragma('cache_size = -65536');
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

/**
 * Replaces the database's contents with the snapshot file's, on a worker thread, durably. The
 * caller's connection sees the old state until the install commits and must not write meanwhile.
 */
export function installSnapshot(dbPath: string, snapshotPath: string): Promise<void> {
  const req: InstallRequest = { dbPath, snapshotPath };
  const worker = new Worker(new URL('./snapshot-install-worker.js', import.meta.url), { workerData: req });
  return new Promise<void>((resolve, reject) => {
    let result: InstallResult | undefined;
    worker.once('message', (r: InstallResult) => (result = r));
    worker.once('error', (err) => (result = { ok: false, error: err.message }));
    worker.once('exit', () => {
      if (result?.ok === true) resolve();
      else reject(new Error(`snapshot install failed: ${result?.error ?? 'the installer exited without a result'}`));
    });
  });
}
