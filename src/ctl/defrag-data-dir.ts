// `defrag --data-dir`: etcdctl's offline defragmentation, on a member that is not running. raftkv's
// counterpart of etcd's backend (member/snap/db) is the state database, member/state.db, which the
// online Maintenance.Defragment rewrites with VACUUM; this does the same to the file directly.
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { capnslogLine } from './capnslog.js';
import { CtlError, ExitCode, GoPanic } from './exit.js';

/** How long a member that is shutting down may hold the database (etcdctl starts warning after 1 s). */
const LOCK_WAIT_MS = 1000;

/** Go's words (strerror) for the errors opening a file can meet; libuv words some differently. */
const GO_ERRNO: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  EACCES: 'permission denied',
  ELOOP: 'too many levels of symbolic links',
};

/** etcdctl's crash when the backend cannot be opened: capnslog's critical line, then the panic. */
function cannotOpen(path: string, why: string): GoPanic {
  const message = `cannot open database at ${path} (${why})`;
  process.stderr.write(capnslogLine('C', 'mvcc/backend', message));
  return new GoPanic(message);
}

function failed(dataDir: string, why: string): CtlError {
  process.stderr.write(`Failed to defragment etcd data[${dataDir}] (${why})\n`);
  return new CtlError('', ExitCode.Error);
}

/** The file must exist and be openable for writing; bolt would create it, raftkv will not make an empty state. */
function checkOpenable(path: string): void {
  try {
    closeSync(openSync(path, 'r+'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw cannotOpen(path, `open ${path}: ${GO_ERRNO[code] ?? (e as Error).message}`);
  }
}

function sqliteCode(e: unknown): string | undefined {
  return e instanceof Database.SqliteError ? e.code : undefined;
}

/**
 * Rewrites `<dataDir>/member/state.db` without free pages. The exclusive lock is taken first, so a
 * running member (whose connections hold the file open) makes this fail rather than share the file;
 * VACUUM is one transaction, so an interrupted run leaves the database as it was.
 */
export function defragDataDir(dataDir: string): void {
  const path = join(dataDir, 'member', 'state.db');
  checkOpenable(path);
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: true, timeout: LOCK_WAIT_MS });
  } catch (e) {
    throw cannotOpen(path, e instanceof Error ? e.message : String(e));
  }
  try {
    // Held from the first transaction until close; WAL mode then uses no shared memory.
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
  } catch (e) {
    db.close();
    const code = sqliteCode(e);
    if (code === 'SQLITE_NOTADB') throw cannotOpen(path, 'invalid database');
    if (code === 'SQLITE_BUSY') {
      throw failed(dataDir, `${path} is in use by a running member; to defragment a running member, omit --data-dir`);
    }
    throw failed(dataDir, e instanceof Error ? e.message : String(e));
  }
  try {
    db.exec('VACUUM');
    // Into the file itself, which shrinks to the pages in use, and an empty WAL.
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch (e) {
    throw failed(dataDir, e instanceof Error ? e.message : String(e));
  } finally {
    db.close();
  }
}
