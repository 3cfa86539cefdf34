import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32c } from '../mvcc/crc32.js';
import { MvccStore } from '../mvcc/store.js';
import { FakeLeases, put } from '../../test/support/mvcc-kit.js';
import { exportEtcdBackend } from '../etcd-backend/export.js';
import { extractSnapshotDb, readSnapshotStatus, SnapshotFileError, verifySnapshotFile } from './snapshot-file.js';

let dir: string;
let good: string;
let dbBytes: Buffer;

/** A snapshot file as the server streams it: VACUUM INTO copy + SHA-256 trailer. */
function makeSnapshot(): void {
  const db = new Database(join(dir, 'live.db'));
  db.pragma('journal_mode = WAL');
  const store = new MvccStore(db, new FakeLeases());
  put(store, 'a', '1');
  put(store, 'b', '2');
  put(store, 'a', '3'); // revision 4, three stored versions
  store.flush(); // revisions are written at commit, as the state machine does
  db.prepare('VACUUM INTO ?').run(join(dir, 'vacuum.db'));
  db.close();
  dbBytes = readFileSync(join(dir, 'vacuum.db'));
  good = join(dir, 'good.snap');
  writeFileSync(good, dbBytes);
  appendFileSync(good, createHash('sha256').update(dbBytes).digest());
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'snapshot-file-test-'));
  makeSnapshot();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function variant(name: string, bytes: Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

describe('snapshot files', () => {
  it('reads hash, revision, key versions and size', () => {
    const s = readSnapshotStatus(good);
    expect(s).toEqual({ hash: crc32c.checksum(dbBytes), revision: 4, totalKey: 3, totalSize: dbBytes.length });
    expect(verifySnapshotFile(good)).toBe(dbBytes.length);
  });

  it('refuses a truncated file', () => {
    const full = readFileSync(good);
    const p = variant('truncated.snap', full.subarray(0, full.length - 100));
    expect(() => readSnapshotStatus(p)).toThrow(SnapshotFileError);
    expect(() => readSnapshotStatus(p)).toThrow(/corrupt or truncated/);
    const tiny = variant('tiny.snap', full.subarray(0, 10));
    expect(() => verifySnapshotFile(tiny)).toThrow(/truncated \(10 bytes\)/);
  });

  it('refuses a file with a flipped byte', () => {
    const bytes = Buffer.from(readFileSync(good));
    bytes[bytes.length >> 1] ^= 0x01;
    expect(() => readSnapshotStatus(variant('flipped.snap', bytes))).toThrow(/SHA-256 mismatch/);
  });

  it('refuses a file that is neither a SQLite nor a bbolt database, even with a valid trailer', () => {
    const junk = Buffer.alloc(4096, 7);
    const p = variant('junk.snap', Buffer.concat([junk, createHash('sha256').update(junk).digest()]));
    expect(() => readSnapshotStatus(p)).toThrow(/neither an etcd \(bbolt\) nor a raftkv \(SQLite\) snapshot/);
  });

  it('refuses a valid database without the MVCC tables', () => {
    const other = join(dir, 'other.db');
    const db = new Database(other);
    db.exec('CREATE TABLE t (x)');
    db.close();
    const bytes = readFileSync(other);
    const p = variant('other.snap', Buffer.concat([bytes, createHash('sha256').update(bytes).digest()]));
    expect(() => readSnapshotStatus(p)).toThrow(/no readable MVCC store/);
  });

  it('restores a bare copy of a state database (member/state.db) only with the hash check skipped', () => {
    const bare = variant('bare-state.db', dbBytes);
    expect(() => extractSnapshotDb(bare, join(dir, 'bare-state-refused.db'))).toThrow('snapshot missing hash but --skip-hash-check=false');
    extractSnapshotDb(bare, join(dir, 'bare-state-restored.db'), 'skip');
    expect(readFileSync(join(dir, 'bare-state-restored.db')).subarray(100)).toEqual(dbBytes.subarray(100));
  });

  it('reports a missing file like etcdctl', () => {
    expect(() => readSnapshotStatus(join(dir, 'nope'))).toThrow(`stat ${join(dir, 'nope')}: no such file or directory`);
  });

  it('leaves the snapshot untouched', () => {
    const before = statSync(good).mtimeMs;
    readSnapshotStatus(good);
    expect(statSync(good).mtimeMs).toBe(before);
  });
});

describe('etcd snapshot files (bbolt)', () => {
  function etcdFile(withSha: boolean): { path: string; bolt: Buffer } {
    const boltPath = join(dir, `etcd-${withSha}.bolt`);
    exportEtcdBackend(join(dir, 'vacuum.db'), boltPath);
    const bolt = readFileSync(boltPath);
    const path = join(dir, `etcd-${withSha}.snap`);
    writeFileSync(path, withSha ? Buffer.concat([bolt, createHash('sha256').update(bolt).digest()]) : bolt);
    return { path, bolt };
  }

  it('reads the status etcdctl would, with the SHA-256 trailer or without it (a bare member/snap/db)', () => {
    for (const withSha of [true, false]) {
      const { path, bolt } = etcdFile(withSha);
      expect(verifySnapshotFile(path)).toBe(bolt.length);
      // 3 key rows plus alarm/auth/cluster/meta rows: every key of every bucket, as etcdctl counts.
      expect(readSnapshotStatus(path)).toMatchObject({ revision: 4, totalSize: bolt.length });
      expect(readSnapshotStatus(path).totalKey).toBeGreaterThanOrEqual(3);
    }
  });

  it('extracts a state database with the same key versions', () => {
    const { path } = etcdFile(true);
    const out = join(dir, 'extracted.db');
    extractSnapshotDb(path, out);
    const db = new Database(out, { readonly: true });
    try {
      expect(db.prepare('SELECT rev, sub, key FROM kv_history ORDER BY id').raw(true).all()).toEqual([
        [2, 0, Buffer.from('a')],
        [3, 0, Buffer.from('b')],
        [4, 0, Buffer.from('a')],
      ]);
      expect(db.prepare("SELECT value FROM mvcc_meta WHERE name = 'current_rev'").pluck().get()).toBe(4);
    } finally {
      db.close();
    }
  });

  it('restores a file without the SHA-256 only when told to skip the check, as etcdctl --skip-hash-check', () => {
    const { path: bare } = etcdFile(false);
    expect(() => extractSnapshotDb(bare, join(dir, 'bare-refused.db'))).toThrow('snapshot missing hash but --skip-hash-check=false');
    extractSnapshotDb(bare, join(dir, 'bare-skipped.db'), 'skip');
    // With the check skipped a trailer is cut off, not compared.
    const bytes = readFileSync(etcdFile(true).path);
    bytes[bytes.length - 1] ^= 1;
    const wrongSha = variant('etcd-wrong-sha.snap', bytes);
    expect(() => extractSnapshotDb(wrongSha, join(dir, 'wrong-sha-refused.db'))).toThrow(/SHA-256 mismatch/);
    extractSnapshotDb(wrongSha, join(dir, 'wrong-sha-skipped.db'), 'skip');
    for (const out of ['bare-skipped.db', 'wrong-sha-skipped.db']) {
      const db = new Database(join(dir, out), { readonly: true });
      try {
        expect(db.prepare("SELECT value FROM mvcc_meta WHERE name = 'current_rev'").pluck().get()).toBe(4);
      } finally {
        db.close();
      }
    }
  });

  it('refuses a flipped byte (SHA-256) and a database cut short', () => {
    const { path } = etcdFile(true);
    const bytes = readFileSync(path);
    bytes[100] ^= 1;
    expect(() => readSnapshotStatus(variant('etcd-flipped.snap', bytes))).toThrow(/SHA-256 mismatch/);
    const { bolt } = etcdFile(false);
    expect(() => readSnapshotStatus(variant('etcd-short.snap', bolt.subarray(0, bolt.length - 4096)))).toThrow(
      /is corrupt or truncated \(database is truncated/,
    );
  });
});
