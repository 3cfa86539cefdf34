// etcd 3.4's backend (a bbolt file) -> a raftkv state database, for migrating from etcd. Keeps
// every key version at its revision, the compaction point, leases, users (with their bcrypt password
// hashes, which raftkv checks as etcd does) and roles, and whether auth is on. Members,
// alarms and the applied index are left out: the restore that uses this starts a new cluster.
import Database from 'better-sqlite3';
import { Role, User } from '../gen/authpb.js';
import { KeyValue } from '../gen/mvccpb.js';
import type { BoltBucket, BoltReader } from '../bbolt/reader.js';
import { AuthStore } from '../auth/auth-store.js';
import { Lessor } from '../lease/lessor.js';
import { ensureSchema } from '../mvcc/schema.js';
import { ensureApplyState } from '../server/apply-state.js';
import { AUTH_KEY, BUCKET, META_KEY } from './buckets.js';
import { decodeLease } from './records.js';
import { bytesToRev } from './revision.js';

export interface ImportSummary {
  revision: number;
  compactRevision: number;
  keys: number;
  leases: number;
  users: number;
  roles: number;
  /** Auth was on in etcd, and so it is after the import. */
  authEnabled: boolean;
}

function compactRev(meta: BoltBucket | undefined): number {
  // A compaction that was scheduled but not finished is redone from the scheduled revision, as
  // etcd's restore does; raftkv removes the leftover rows itself when it starts.
  let rev = 0;
  for (const name of [META_KEY.finishedCompactRev, META_KEY.scheduledCompactRev]) {
    const v = meta?.get(name);
    if (v !== undefined) rev = Math.max(rev, bytesToRev(v).main);
  }
  return rev;
}

/** Writes the etcd backend read by `bolt` into a new state database at `statePath`. */
export function importEtcdBackend(bolt: BoltReader, statePath: string): ImportSummary {
  const db = new Database(statePath);
  try {
    db.pragma('journal_mode = WAL');
    ensureSchema(db);
    ensureApplyState(db);
    // Their constructors create the lease and auth tables.
    new Lessor(db);
    new AuthStore(db);
    const root = bolt.root();
    const summary = db.transaction(() => importRows(db, root))();
    db.pragma('wal_checkpoint(TRUNCATE)');
    return summary;
  } finally {
    db.close();
  }
}

function importRows(db: Database.Database, root: BoltBucket): ImportSummary {
  const insertHistory = db.prepare<[number, number, number, Buffer, number, number, bigint, number]>(
    'INSERT INTO kv_history (id, rev, sub, key, create_rev, version, lease, tombstone) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertValue = db.prepare<[number, Buffer]>('INSERT INTO kv_values (id, value) VALUES (?, ?)');
  let id = 0;
  let last = 0;
  for (const e of root.bucket(BUCKET.key)?.entries() ?? []) {
    const rev = bytesToRev(e.key);
    const kv = KeyValue.decode(e.value);
    id++;
    last = rev.main;
    if (rev.tombstone) {
      insertHistory.run(id, rev.main, rev.sub, kv.key, 0, 0, 0n, 1);
    } else {
      insertHistory.run(id, rev.main, rev.sub, kv.key, kv.create_revision, kv.version, kv.lease, 0);
      insertValue.run(id, kv.value);
    }
  }
  const compacted = compactRev(root.bucket(BUCKET.meta));
  // etcd's current revision after a restore: the newest row's, or the compaction's if later.
  const current = Math.max(last, compacted, 1);
  const setMeta = db.prepare<[number, string]>('UPDATE mvcc_meta SET value = ? WHERE name = ?');
  setMeta.run(current, 'current_rev');
  setMeta.run(compacted, 'compact_rev');

  const insertLease = db.prepare<[bigint, number]>('INSERT OR REPLACE INTO leases (id, ttl) VALUES (?, ?)');
  let leases = 0;
  for (const e of root.bucket(BUCKET.lease)?.entries() ?? []) {
    const l = decodeLease(e.value);
    insertLease.run(l.id, l.ttl);
    leases++;
  }

  // Users come as etcd keeps them: raftkv stores and checks the same bcrypt hashes.
  const putUser = db.prepare<[string, Buffer]>('INSERT OR REPLACE INTO auth_users (name, record) VALUES (?, ?)');
  let users = 0;
  for (const e of root.bucket(BUCKET.authUsers)?.entries() ?? []) {
    const u = User.decode(e.value);
    putUser.run(e.key.toString(), Buffer.from(User.encode(u).finish()));
    users++;
  }
  const putRole = db.prepare<[string, Buffer]>('INSERT OR REPLACE INTO auth_roles (name, record) VALUES (?, ?)');
  let roles = 0;
  for (const e of root.bucket(BUCKET.authRoles)?.entries() ?? []) {
    putRole.run(e.key.toString(), Buffer.from(Role.encode(Role.decode(e.value)).finish()));
    roles++;
  }
  const authBucket = root.bucket(BUCKET.auth);
  const authRev = authBucket?.get(AUTH_KEY.revision);
  const authEnabled = authBucket?.get(AUTH_KEY.enabled)?.[0] === 1;
  db.prepare<[number, number]>('UPDATE auth_meta SET enabled = ?, revision = ? WHERE id = 0').run(
    authEnabled ? 1 : 0,
    authRev === undefined ? 0 : Number(authRev.readBigUInt64BE(0)),
  );
  return { revision: current, compactRevision: compacted, keys: id, leases, users, roles, authEnabled };
}
