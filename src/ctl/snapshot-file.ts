// Snapshot files: etcd's (a bbolt database, as Maintenance.Snapshot streams it and etcd writes
// it) or raftkv's older format (a SQLite state database), either followed by the 32-byte SHA-256
// of everything before it. A bare database (e.g. etcd's member/snap/db) has no SHA-256; etcd tells
// them apart the same way, by the size modulo 512.
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { looksLikeBolt } from '../bbolt/format.js';
import { BoltFormatError, BoltReader } from '../bbolt/reader.js';
import { importEtcdBackend } from '../etcd-backend/import.js';
import { backendStatus } from '../etcd-backend/status.js';
import { crc32c } from '../mvcc/crc32.js';
import { RevisionMeta } from '../mvcc/meta.js';
import type { SnapshotStatus } from './format/snapshot.js';

const SHA_LEN = 32;
const CHUNK = 1 << 20;
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

export class SnapshotFileError extends Error {
  override readonly name = 'SnapshotFileError';
}

type Format = 'etcd' | 'raftkv';

/**
 * What the SHA-256 trailer must be: `required` (snapshot restore: present and right), `optional`
 * (snapshot save and status: checked when present; raftkv's own files always have it)
 * or `skip` (restore --skip-hash-check: cut off when present, never compared).
 */
export type HashCheck = 'required' | 'optional' | 'skip';

interface Scan {
  format: Format;
  dbSize: number;
  crc: number;
}

function formatOf(path: string, head: Buffer): Format {
  if (head.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) return 'raftkv';
  if (looksLikeBolt(head)) return 'etcd';
  throw new SnapshotFileError(`snapshot file ${path} is neither an etcd (bbolt) nor a raftkv (SQLite) snapshot`);
}

/**
 * Reads the file once: checks the trailing SHA-256, computes the CRC-32C of the
 * database part and, when `copyTo` is given, writes that part there.
 */
function scan(path: string, check: HashCheck, copyTo?: string): Scan {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SnapshotFileError(code === 'ENOENT' ? `stat ${path}: no such file or directory` : String(e));
  }
  if (size < SHA_LEN + SQLITE_MAGIC.length) {
    throw new SnapshotFileError(`snapshot file ${path} is truncated (${size} bytes)`);
  }
  const fd = openSync(path, 'r');
  let format: Format;
  try {
    const head = Buffer.alloc(Math.min(size, 64));
    readSync(fd, head, 0, head.length, 0);
    format = formatOf(path, head);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  // etcd's rule: a database is whole pages, so 32 bytes over a multiple of 512 is the SHA-256.
  const hashed = (check === 'optional' && format === 'raftkv') || size % 512 === SHA_LEN;
  if (!hashed && check === 'required') {
    closeSync(fd);
    throw new SnapshotFileError('snapshot missing hash but --skip-hash-check=false');
  }
  const dbSize = hashed ? size - SHA_LEN : size;
  const sha = createHash('sha256');
  let crc = 0;
  const out = copyTo === undefined ? undefined : openSync(copyTo, 'w', 0o600);
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    for (let pos = 0; pos < dbSize; ) {
      const n = readSync(fd, buf, 0, Math.min(CHUNK, dbSize - pos), pos);
      if (n <= 0) throw new SnapshotFileError(`snapshot file ${path} changed while being read`);
      const chunk = buf.subarray(0, n);
      sha.update(chunk);
      crc = crc32c.update(crc, chunk);
      if (out !== undefined) writeSync(out, chunk);
      pos += n;
    }
    const trailer = Buffer.alloc(SHA_LEN);
    readSync(fd, trailer, 0, SHA_LEN, dbSize);
    if (hashed && check !== 'skip' && !sha.digest().equals(trailer)) {
      throw new SnapshotFileError(`snapshot file ${path} is corrupt or truncated (SHA-256 mismatch)`);
    }
  } finally {
    closeSync(fd);
    if (out !== undefined) closeSync(out);
  }
  return { format, dbSize, crc };
}

/** Opens the etcd database in the first `dbSize` bytes of the file. */
function openBolt(path: string, dbSize: number): BoltReader {
  try {
    return BoltReader.open(path, dbSize);
  } catch (e) {
    if (e instanceof BoltFormatError) throw new SnapshotFileError(`snapshot file ${path} is corrupt or truncated (${e.message})`);
    throw e;
  }
}

function withBolt<T>(path: string, dbSize: number, use: (db: BoltReader) => T): T {
  const db = openBolt(path, dbSize);
  try {
    return use(db);
  } catch (e) {
    if (e instanceof BoltFormatError || e instanceof RangeError) throw new SnapshotFileError(`snapshot file ${path} is corrupt (${e.message})`);
    throw e;
  } finally {
    db.close();
  }
}

/**
 * Verifies the file and writes a raftkv state database made from it to `toPath`, ready to open:
 * its database part as it is, or converted from etcd's backend.
 */
export function extractSnapshotDb(path: string, toPath: string, check: HashCheck = 'required'): void {
  const s = scan(path, check);
  if (s.format === 'etcd') {
    withBolt(path, s.dbSize, (db) => importEtcdBackend(db, toPath));
    return;
  }
  scan(path, check, toPath);
  forceRollbackJournal(toPath);
}

/** Checks the trailing SHA-256 (and the database header); returns the database size. */
export function verifySnapshotFile(path: string): number {
  return scan(path, 'optional').dbSize;
}

/**
 * Verifies the file and reads its status: for an etcd file exactly as etcdctl does; for a
 * raftkv file, revision and key count from a read-only copy of its database.
 */
export function readSnapshotStatus(path: string): SnapshotStatus {
  const first = scan(path, 'optional');
  if (first.format === 'etcd') return withBolt(path, first.dbSize, backendStatus);
  const dir = mkdtempSync(join(tmpdir(), 'raftkvctl-snap-'));
  try {
    const dbPath = join(dir, 'snapshot.db');
    const { dbSize, crc } = scan(path, 'optional', dbPath);
    forceRollbackJournal(dbPath);
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      const check = db.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new SnapshotFileError(`snapshot file ${path} failed the integrity check: ${String(check)}`);
      return { hash: crc, revision: new RevisionMeta(db).current(), totalKey: countVersions(db), totalSize: dbSize };
    } catch (e) {
      if (e instanceof SnapshotFileError) throw e;
      throw new SnapshotFileError(`snapshot file ${path} has no readable MVCC store: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Every stored key version (src/mvcc/schema.ts: kv_history), the nearest
 * thing to etcd's count of backend keys. No src/mvcc helper reads it without
 * also creating the schema, which a read-only database refuses.
 */
function countVersions(db: Database.Database): number {
  return Number(db.prepare('SELECT count(*) FROM kv_history').pluck().get());
}

/**
 * A database copied from a WAL-mode file still says "WAL" in its header, and
 * SQLite cannot open such a file read-only without creating -shm. The copy is
 * complete on its own, so mark it rollback-journal (header bytes 18-19).
 */
function forceRollbackJournal(dbPath: string): void {
  const fd = openSync(dbPath, 'r+');
  try {
    const hdr = Buffer.alloc(2);
    readSync(fd, hdr, 0, 2, 18);
    if (hdr[0] === 2 || hdr[1] === 2) writeSync(fd, Buffer.from([1, 1]), 0, 2, 18);
  } finally {
    closeSync(fd);
  }
}

