import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthStore } from '../auth/auth-store.js';
import { checkBolt } from '../bbolt/check.js';
import { BoltReader } from '../bbolt/reader.js';
import { MemberStore } from '../cluster/member-store.js';
import { Permission_Type, User } from '../gen/authpb.js';
import { Lessor } from '../lease/lessor.js';
import { MvccStore } from '../mvcc/store.js';
import { delReq, op, openDb, put, putReq, rangeReq, tempDir, txnReq, unwrap } from '../../test/support/mvcc-kit.js';
import { Alarms } from '../server/alarms.js';
import { ensureApplyState } from '../server/apply-state.js';
import { BUCKET } from './buckets.js';
import { exportEtcdBackend } from './export.js';
import { importEtcdBackend } from './import.js';
import { hashPassword, verifyPassword } from '../auth/password.js';
import { decodeLease, decodeMember, encodeLease, encodeMember, memberKey } from './records.js';
import { bytesToRev, revToBytes } from './revision.js';
import { backendStatus } from './status.js';

describe('etcd encodings, checked against bytes real etcd 3.4 wrote', () => {
  it('revision keys, with and without the tombstone mark', () => {
    expect(revToBytes({ main: 4, sub: 0 }).toString('hex')).toBe('00000000000000045f0000000000000000');
    expect(revToBytes({ main: 7, sub: 1 }, true).toString('hex')).toBe('00000000000000075f000000000000000174');
    expect(bytesToRev(Buffer.from('00000000000000075f000000000000000174', 'hex'))).toEqual({ main: 7, sub: 1, tombstone: true });
    expect(() => bytesToRev(Buffer.from('consistent_index'))).toThrow(/not an etcd revision key/);
  });

  it('leasepb.Lease', () => {
    const bytes = Buffer.from('0889eacae3a9c7e8b41610ac02', 'hex');
    expect(decodeLease(bytes)).toEqual({ id: 0x1669a23a9c72b509n, ttl: 300 });
    expect(encodeLease({ id: 0x1669a23a9c72b509n, ttl: 300 }).equals(bytes)).toBe(true);
  });

  it('membership.Member JSON, keyed by the unpadded hex ID', () => {
    const json = '{"id":937887316624643689,"peerURLs":["http://127.0.0.1:31002"],"name":"default","clientURLs":["http://127.0.0.1:31001"]}';
    const m = { id: 937887316624643689n, name: 'default', peerUrls: ['http://127.0.0.1:31002'], clientUrls: ['http://127.0.0.1:31001'], isLearner: false };
    expect(encodeMember(m).toString()).toBe(json);
    expect(decodeMember(Buffer.from(json))).toEqual(m);
    expect(memberKey(937887316624643689n).toString()).toBe('d040b8b9ac19669');
  });
});

describe('raftkv state database <-> etcd backend', () => {
  let tmp: { dir: string; cleanup: () => void };
  const opened: Database.Database[] = [];
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => {
    for (const db of opened.splice(0)) db.close();
    tmp.cleanup();
  });

  function open(name: string): { db: Database.Database; store: MvccStore; lessor: Lessor; auth: AuthStore } {
    const db = openDb(join(tmp.dir, name));
    opened.push(db);
    ensureApplyState(db);
    const lessor = new Lessor(db);
    return { db, lessor, store: new MvccStore(db, lessor), auth: new AuthStore(db) };
  }

  function exportTo(name: string, db: Database.Database): BoltReader {
    db.pragma('wal_checkpoint(TRUNCATE)');
    const path = join(tmp.dir, name);
    exportEtcdBackend(db.name, path);
    return BoltReader.open(path);
  }

  it('keeps every version at its revision, the compaction, leases, users and roles; a legacy scrypt password cannot travel, so auth goes disabled', () => {
    const a = open('a.db');
    a.lessor.grant(0x7777n, 60);
    put(a.store, 'k1', 'v1'); // 2
    put(a.store, 'k2', 'v2'); // 3
    put(a.store, 'k1', 'v1b', { lease: 0x7777n }); // 4
    unwrap(a.store.deleteRange(delReq('k2'))); // 5
    unwrap(a.store.txn(txnReq([], [op.put(putReq('t1', 'x')), op.put(putReq('t2', 'y')), op.del(delReq('k1'))]))); // 6: three sub-revisions
    put(a.store, 'big', 'z'.repeat(20_000)); // 7
    for (let i = 0; i < 300; i++) put(a.store, `many/${String(i).padStart(3, '0')}`, `v${i}`); // 8..307
    unwrap(a.store.compact(3));
    a.store.removeCompacted(1_000);
    a.store.flush();
    expect(a.auth.userAdd('root', 'scrypt$c2FsdA==$a2V5', false)).toBeUndefined();
    expect(a.auth.userGrantRole('root', 'root')).toBeUndefined();
    expect(a.auth.roleAdd('r1')).toBeUndefined();
    expect(a.auth.roleGrantPermission('r1', { permType: Permission_Type.READWRITE, key: Buffer.from('a'), range_end: Buffer.from('b') })).toBeUndefined();
    expect(a.auth.enable()).toBeUndefined();
    new MemberStore(a.db).put({ id: 42n, name: 'n1', peerUrls: ['http://p'], clientUrls: ['http://c'], isLearner: false });
    new Alarms(a.db).activate(42n, 'NOSPACE');

    const bolt = exportTo('a.bolt', a.db);
    try {
      expect(checkBolt(bolt)).toEqual([]);
      const root = bolt.root();
      expect([...root.entries()].map((e) => e.key.toString())).toEqual(Object.values(BUCKET).sort());
      expect(backendStatus(bolt)).toMatchObject({ revision: 307, totalSize: bolt.size() });
      expect(root.bucket(BUCKET.members)?.get(memberKey(42n))?.toString()).toBe('{"id":42,"peerURLs":["http://p"],"name":"n1","clientURLs":["http://c"]}');
      expect([...root.bucket(BUCKET.alarm)!.entries()]).toHaveLength(1);
      expect(root.bucket(BUCKET.auth)?.get('authEnabled')).toEqual(Buffer.from([0]));

      const b = open('b.db');
      b.db.close();
      opened.pop();
      const summary = importEtcdBackend(bolt, join(tmp.dir, 'b.db'));
      expect(summary).toMatchObject({ revision: 307, compactRevision: 3, leases: 1, users: 1, roles: 1, authEnabled: false });
      const c = open('b.db');
      expect(c.store.currentRevision()).toBe(307);
      expect(c.store.compactRevision()).toBe(3);
      for (const rev of [3, 4, 5, 6, 7, 307]) {
        const want = unwrap(a.store.range(rangeReq('\0', '\0', { revision: rev })));
        const got = unwrap(c.store.range(rangeReq('\0', '\0', { revision: rev })));
        expect(got).toEqual(want);
      }
      expect(unwrap(c.store.hashKV(0))).toEqual(unwrap(a.store.hashKV(0)));
      expect(c.lessor.exists(0x7777n)).toBe(true);
      expect(c.store.leaseKeys(0x7777n)).toEqual(a.store.leaseKeys(0x7777n));
      expect(c.auth.enabled).toBe(false);
      expect(c.auth.revision()).toBe(a.auth.revision());
      expect(c.auth.user('root')).toMatchObject({ roles: ['root'], password: Buffer.alloc(0) });
      expect(c.auth.role('r1')).toEqual(a.auth.role('r1'));

      // And back again: the key bucket comes out byte for byte the same.
      const again = exportTo('c.bolt', c.db);
      try {
        const rows = (r: BoltReader) => [...r.root().bucket(BUCKET.key)!.entries()].map((e) => `${e.key.toString('hex')}=${e.value.toString('hex')}`);
        expect(rows(again)).toEqual(rows(bolt));
        expect(backendStatus(again).revision).toBe(307);
      } finally {
        again.close();
      }
    } finally {
      bolt.close();
    }
  });

  it('bcrypt password hashes and the enabled flag travel both ways', async () => {
    const a = open('pw-a.db');
    const rootHash = await hashPassword('rootpw', 4);
    expect(a.auth.userAdd('root', rootHash, false)).toBeUndefined();
    expect(a.auth.userGrantRole('root', 'root')).toBeUndefined();
    expect(a.auth.userAdd('nopw', '', true)).toBeUndefined();
    expect(a.auth.enable()).toBeUndefined();
    const bolt = exportTo('pw-a.bolt', a.db);
    try {
      const root = bolt.root();
      expect(root.bucket(BUCKET.auth)?.get('authEnabled')).toEqual(Buffer.from([1]));
      expect(User.decode(root.bucket(BUCKET.authUsers)!.get('root')!).password.toString()).toBe(rootHash);
      const summary = importEtcdBackend(bolt, join(tmp.dir, 'pw-b.db'));
      expect(summary).toMatchObject({ users: 2, authEnabled: true });
      const b = open('pw-b.db');
      expect(b.auth.enabled).toBe(true);
      expect(await verifyPassword('rootpw', b.auth.user('root')?.password.toString() ?? '')).toBe(true);
      expect(b.auth.user('nopw')?.options?.no_password).toBe(true);
    } finally {
      bolt.close();
    }
  });
});
