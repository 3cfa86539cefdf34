// raftkv's state database -> etcd 3.4's backend (a bbolt file), for the way back to etcd. Reads a
// consistent copy of the state database; the key bucket is streamed row by row, so memory stays
// bounded whatever the store's size.
import Database from 'better-sqlite3';
import { User } from '../gen/authpb.js';
import { AlarmMember, AlarmType } from '../gen/etcdserverpb.js';
import { KeyValue } from '../gen/mvccpb.js';
import { BoltWriter, type BoltEntry } from '../bbolt/writer.js';
import { AUTH_KEY, BUCKET, CLUSTER_VERSION, CLUSTER_VERSION_KEY, META_KEY, REMOVED } from './buckets.js';
import { encodeLease, encodeMember, memberKey } from './records.js';
import { revToBytes, u64BE } from './revision.js';
import type { HistoryScanRow } from '../mvcc/tables.js';

/** The history rows export reads (src/mvcc/tables.ts), without the local row id. */
type HistoryRow = Omit<HistoryScanRow, 'id'>;

function entry(key: string | Buffer, value: Buffer): BoltEntry {
  return { key: typeof key === 'string' ? Buffer.from(key) : key, value };
}

function byKey(a: BoltEntry, b: BoltEntry): number {
  return Buffer.compare(a.key, b.key);
}

function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

function rows<T>(db: Database.Database, table: string, sql: string): T[] {
  return hasTable(db, table) ? (db.prepare(sql).safeIntegers(true).all() as T[]) : [];
}

// kv_history's id is its insertion order, which is (rev, sub) order (src/mvcc/schema.ts), so rows
// come out in etcd's key order without a sort; the writer refuses any row out of order.
function* keyRows(db: Database.Database): Generator<BoltEntry> {
  const stmt = db
    .prepare<[], HistoryRow>(
      `SELECT h.rev, h.sub, h.key, h.create_rev, h.version, h.lease, h.tombstone, v.value
       FROM kv_history h LEFT JOIN kv_values v ON v.id = h.id ORDER BY h.id`,
    )
    .safeIntegers(true);
  for (const r of stmt.iterate()) {
    const rev = { main: Number(r.rev), sub: Number(r.sub) };
    if (r.tombstone !== 0n) {
      // etcd keeps only the key in a delete's row.
      yield entry(revToBytes(rev, true), Buffer.from(KeyValue.encode({ key: r.key }).finish()));
    } else {
      const kv = KeyValue.encode({
        key: r.key,
        create_revision: Number(r.create_rev),
        mod_revision: rev.main,
        version: Number(r.version),
        value: r.value ?? undefined,
        lease: BigInt.asIntN(64, r.lease),
      });
      yield entry(revToBytes(rev), Buffer.from(kv.finish()));
    }
  }
}

function metaRows(db: Database.Database): BoltEntry[] {
  const meta = new Map(rows<{ name: string; value: bigint }>(db, 'mvcc_meta', 'SELECT name, value FROM mvcc_meta').map((r) => [r.name, Number(r.value)]));
  const applied = rows<{ i: bigint }>(db, 'apply_state', 'SELECT applied_index AS i FROM apply_state WHERE id = 0')[0]?.i ?? 0n;
  const out = [entry(META_KEY.consistentIndex, u64BE(applied))];
  const compacted = meta.get('compact_rev') ?? 0;
  if (compacted > 0) {
    out.push(entry(META_KEY.finishedCompactRev, revToBytes({ main: compacted, sub: 0 })));
    out.push(entry(META_KEY.scheduledCompactRev, revToBytes({ main: compacted, sub: 0 })));
  }
  return out;
}

function leaseRows(db: Database.Database): BoltEntry[] {
  return rows<{ id: bigint; ttl: bigint }>(db, 'leases', 'SELECT id, ttl FROM leases')
    .map((r) => {
      const id = BigInt.asIntN(64, r.id);
      return entry(u64BE(id), encodeLease({ id, ttl: Number(r.ttl) }));
    })
    .sort(byKey);
}

function memberRows(db: Database.Database): { members: BoltEntry[]; removed: BoltEntry[] } {
  type Row = { id: bigint; name: string; peer_urls: string; client_urls: string; is_learner: bigint };
  const members = rows<Row>(db, 'members', 'SELECT id, name, peer_urls, client_urls, is_learner FROM members').map((r) => {
    const id = BigInt.asUintN(64, r.id);
    const m = { id, name: r.name, peerUrls: JSON.parse(r.peer_urls) as string[], clientUrls: JSON.parse(r.client_urls) as string[], isLearner: r.is_learner !== 0n };
    return entry(memberKey(id), encodeMember(m));
  });
  const removed = rows<{ id: bigint }>(db, 'removed_members', 'SELECT id FROM removed_members').map((r) =>
    entry(memberKey(BigInt.asUintN(64, r.id)), Buffer.from(REMOVED)),
  );
  return { members: members.sort(byKey), removed: removed.sort(byKey) };
}

function alarmRows(db: Database.Database): BoltEntry[] {
  return rows<{ member_id: bigint; alarm: string }>(db, 'alarms', 'SELECT member_id, alarm FROM alarms')
    .map((r) => {
      const alarm = r.alarm === 'NOSPACE' ? AlarmType.NOSPACE : AlarmType.CORRUPT;
      return entry(Buffer.from(AlarmMember.encode({ memberID: BigInt.asUintN(64, r.member_id), alarm }).finish()), Buffer.alloc(0));
    })
    .sort(byKey);
}

/**
 * Users keep their roles and their bcrypt password hashes, which etcd checks as raftkv does. A
 * scrypt hash (written by raftkv before it used bcrypt) cannot travel: that user arrives without a
 * password, and auth is then written disabled, since with it enabled that user (root, maybe) could
 * not log in to set a new one. Otherwise auth is written as it is.
 */
function authRows(db: Database.Database): { auth: BoltEntry[]; users: BoltEntry[]; roles: BoltEntry[] } {
  const revision = rows<{ revision: bigint }>(db, 'auth_meta', 'SELECT revision FROM auth_meta WHERE id = 0')[0]?.revision ?? 0n;
  const enabled = Number(rows<{ enabled: bigint }>(db, 'auth_meta', 'SELECT enabled FROM auth_meta WHERE id = 0')[0]?.enabled ?? 0n) === 1;
  let dropped = 0;
  const users = rows<{ name: string; record: Buffer }>(db, 'auth_users', 'SELECT name, record FROM auth_users').map((r) => {
    const u = User.decode(r.record);
    const travels = u.password.length === 0 || u.password.subarray(0, 2).toString() === '$2';
    if (!travels) dropped++;
    return entry(Buffer.from(r.name), travels ? r.record : Buffer.from(User.encode({ ...u, password: Buffer.alloc(0) }).finish()));
  });
  const auth = [entry(AUTH_KEY.enabled, Buffer.from([enabled && dropped === 0 ? 1 : 0])), entry(AUTH_KEY.revision, u64BE(revision))];
  const roles = rows<{ name: string; record: Buffer }>(db, 'auth_roles', 'SELECT name, record FROM auth_roles').map((r) => entry(Buffer.from(r.name), r.record));
  return { auth, users: users.sort(byKey), roles: roles.sort(byKey) };
}

/** Writes the etcd backend for the state database at `statePath` (not in use by a writer) to `boltPath`. */
export function exportEtcdBackend(statePath: string, boltPath: string): { size: number } {
  const db = new Database(statePath, { readonly: true, fileMustExist: true });
  const w = BoltWriter.create(boltPath);
  try {
    const { members, removed } = memberRows(db);
    const { auth, users, roles } = authRows(db);
    const buckets: [string, Buffer][] = [
      [BUCKET.alarm, w.bucket(alarmRows(db))],
      [BUCKET.auth, w.bucket(auth)],
      [BUCKET.authRoles, w.bucket(roles)],
      [BUCKET.authUsers, w.bucket(users)],
      [BUCKET.cluster, w.bucket([entry(CLUSTER_VERSION_KEY, Buffer.from(CLUSTER_VERSION))])],
      [BUCKET.key, w.bucket(hasTable(db, 'kv_history') ? keyRows(db) : [])],
      [BUCKET.lease, w.bucket(leaseRows(db))],
      [BUCKET.members, w.bucket(members)],
      [BUCKET.membersRemoved, w.bucket(removed)],
      [BUCKET.meta, w.bucket(metaRows(db))],
    ];
    return w.finish(buckets.map(([name, value]) => ({ key: Buffer.from(name), value, bucket: true })));
  } catch (e) {
    w.close();
    throw e;
  } finally {
    db.close();
  }
}
