// The same operations through the npm `etcd3` client (v1.1.x): put/get/getAll
// (prefix, limit, sort, keys-only, count), delete with prevKv, txn via
// if().then().else(), watch (live and from a revision, compacted), leases
// (grant, keepalive, revoke, ttl, expiry), locks, elections, compaction errors.
import { Etcd3, EtcdLeaseInvalidError, EtcdLockFailedError, GRPCOutOfRangeError, type IKeyValue, type Watcher } from 'etcd3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { prereqs } from '../support/env.js';
import { startNode, type NodeHandle } from '../support/node.js';
import { sleep, waitFor } from '../support/proc.js';

const pre = prereqs({});

interface Event {
  type: 'put' | 'delete';
  key: string;
  value: string;
  modRevision: string;
  prev?: string;
}

function collect(w: Watcher, into: Event[]): void {
  const push = (type: Event['type']) => (kv: IKeyValue, prev?: IKeyValue) => {
    const e: Event = { type, key: kv.key.toString(), value: kv.value.toString(), modRevision: kv.mod_revision };
    if (prev) e.prev = prev.value.toString(); // etcd3 passes null when there is none
    into.push(e);
  };
  w.on('put', push('put'));
  w.on('delete', push('delete'));
}

describe.skipIf(pre.skip)('npm etcd3 client', () => {
  let node: NodeHandle | undefined;
  let client: Etcd3 | undefined;
  const clients: Etcd3[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];

  const c = (): Etcd3 => {
    if (client === undefined) throw new Error('client not available: beforeAll failed');
    return client;
  };
  const newClient = (): Etcd3 => {
    if (node === undefined) throw new Error('node not available: beforeAll failed');
    const cl = new Etcd3({ hosts: node.clientUrl });
    clients.push(cl);
    return cl;
  };

  beforeAll(async () => {
    pre.assert();
    node = await startNode();
    client = newClient();
  });

  afterEach(async () => {
    // best effort, bounded: a cancel/resign/revoke that never settles must not hang the suite
    for (const fn of cleanups.splice(0)) await Promise.race([fn().catch(() => undefined), sleep(2000)]);
  });

  afterAll(async () => {
    for (const cl of clients) cl.close();
    await node?.stop();
  });

  describe('kv', () => {
    it('put and get (rev 2)', async () => {
      const res = await c().put('foo').value('bar').exec();
      expect(res.header.revision).toBe('2');
      expect(await c().get('foo').string()).toBe('bar');
      expect(await c().get('missing').string()).toBeNull();
      expect(await c().get('missing').exists()).toBe(false);
    });

    it('put with getPrevious (rev 3)', async () => {
      const prev = await c().put('foo').value('bar2').getPrevious();
      expect(prev?.value.toString()).toBe('bar');
      expect(prev?.mod_revision).toBe('2');
    });

    it('get exec: revisions and version', async () => {
      const res = await c().get('foo').exec();
      expect(res.header.revision).toBe('3');
      expect(res.count).toBe('1');
      const kv = res.kvs[0];
      expect({ create: kv?.create_revision, mod: kv?.mod_revision, version: kv?.version, lease: kv?.lease }).toEqual({
        create: '2',
        mod: '3',
        version: '2',
        lease: '0',
      });
    });

    it('get at an older revision', async () => {
      expect(await c().get('foo').revision(2).string()).toBe('bar');
      expect(await c().get('foo').revision(1).string()).toBeNull();
    });

    it('getAll with prefix / limit / sort / keys / count (revs 4-8)', async () => {
      for (const k of ['c', 'a', 'e', 'b', 'd']) await c().put(`/p/${k}`).value(`v${k}`);
      expect(await c().getAll().prefix('/p/').keys()).toEqual(['/p/a', '/p/b', '/p/c', '/p/d', '/p/e']);
      expect(await c().getAll().prefix('/p/').strings()).toEqual({ '/p/a': 'va', '/p/b': 'vb', '/p/c': 'vc', '/p/d': 'vd', '/p/e': 've' });
      expect(await c().getAll().prefix('/p/').limit(2).keys()).toEqual(['/p/a', '/p/b']);
      expect(await c().getAll().prefix('/p/').sort('Key', 'Descend').keys()).toEqual(['/p/e', '/p/d', '/p/c', '/p/b', '/p/a']);
      expect(await c().getAll().prefix('/p/').sort('Mod', 'Ascend').keys()).toEqual(['/p/c', '/p/a', '/p/e', '/p/b', '/p/d']);
      expect(await c().getAll().prefix('/p/').sort('Create', 'Descend').limit(1).keys()).toEqual(['/p/d']);
      expect(await c().getAll().prefix('/p/').count()).toBe(5);
      expect(await c().getAll().prefix('/nothing/').count()).toBe(0);
      const limited = await c().getAll().prefix('/p/').limit(2).exec();
      expect({ more: limited.more, count: limited.count, n: limited.kvs.length }).toEqual({ more: true, count: '5', n: 2 });
      expect(await c().getAll().inRange({ start: '/p/b', end: '/p/d' }).keys()).toEqual(['/p/b', '/p/c']);
      expect(await c().getAll().all().keys()).toEqual(['/p/a', '/p/b', '/p/c', '/p/d', '/p/e', 'foo']);
    });

    it('delete with prevKv (revs 9, 10)', async () => {
      const prev = await c().delete().key('/p/a').getPrevious();
      expect(prev.map((kv) => [kv.key.toString(), kv.value.toString()])).toEqual([['/p/a', 'va']]);
      const res = await c().delete().prefix('/p/').exec();
      expect({ deleted: res.deleted, revision: res.header.revision }).toEqual({ deleted: '4', revision: '10' });
      const none = await c().delete().key('/p/a').exec();
      expect({ deleted: none.deleted, revision: none.header.revision }).toEqual({ deleted: '0', revision: '10' });
    });
  });

  describe('txn', () => {
    it('if().then().else(): success branch (rev 11)', async () => {
      const res = await c()
        .if('foo', 'Value', '==', 'bar2')
        .then(c().put('foo').value('baz'))
        .else(c().get('foo'))
        .commit();
      expect(res.succeeded).toBe(true);
      expect(res.header.revision).toBe('11');
      expect(await c().get('foo').string()).toBe('baz');
    });

    it('if().then().else(): failure branch runs the else ops', async () => {
      const res = await c()
        .if('foo', 'Value', '==', 'nope')
        .then(c().put('foo').value('never'))
        .else(c().get('foo'), c().put('other').value('x'))
        .commit();
      expect(res.succeeded).toBe(false);
      expect(res.responses).toHaveLength(2);
      expect(res.responses[0]?.response_range?.kvs[0]?.value.toString()).toBe('baz');
      expect(await c().get('foo').string()).toBe('baz');
      expect(await c().get('other').string()).toBe('x');
    });

    it('multiple compares (and) on version / mod / create', async () => {
      const res = await c()
        .if('foo', 'Version', '==', 3)
        .and('foo', 'Mod', '>', 0)
        .and('nokey', 'Create', '==', 0)
        .then(c().delete().key('other'))
        .commit();
      expect(res.succeeded).toBe(true);
      expect(res.responses[0]?.response_delete_range?.deleted).toBe('1');
    });
  });

  describe('watch', () => {
    it('live watch on a prefix, with previous values', async () => {
      const events: Event[] = [];
      const w = await c().watch().prefix('/w/').withPreviousKV().create();
      cleanups.push(() => w.cancel());
      collect(w, events);
      const start = Number((await c().get('foo').exec()).header.revision);
      await c().put('/w/a').value('1');
      await c().put('/w/b').value('2');
      await c().put('/w/a').value('3');
      await c().delete().key('/w/a');
      await c().delete().prefix('/w/');
      await waitFor('5 watch events', () => (events.length >= 5 ? true : undefined));
      await sleep(100);
      const r = (n: number) => String(start + n);
      expect(events).toEqual([
        { type: 'put', key: '/w/a', value: '1', modRevision: r(1) },
        { type: 'put', key: '/w/b', value: '2', modRevision: r(2) },
        { type: 'put', key: '/w/a', value: '3', modRevision: r(3), prev: '1' },
        { type: 'delete', key: '/w/a', value: '', modRevision: r(4), prev: '3' },
        { type: 'delete', key: '/w/b', value: '', modRevision: r(5), prev: '2' },
      ]);
    });

    it('watch from a past revision replays history, then continues live', async () => {
      const first = (await c().get('foo').exec()).header.revision;
      const events: Event[] = [];
      const w = await c().watch().key('/wk').startRevision(String(Number(first) + 1)).create();
      cleanups.push(() => w.cancel());
      collect(w, events);
      // written after the start revision but (possibly) before the watcher is set up
      await c().put('/wk').value('a');
      await c().put('/wk').value('b');
      await waitFor('2 events', () => (events.length >= 2 ? true : undefined));
      // and now a replay from the start, on a new watcher
      const replay: Event[] = [];
      const w2 = await c().watch().key('/wk').startRevision(String(Number(first) + 1)).create();
      cleanups.push(() => w2.cancel());
      collect(w2, replay);
      await waitFor('replayed events', () => (replay.length >= 2 ? true : undefined));
      await c().delete().key('/wk');
      await waitFor('live delete on both', () => (events.length >= 3 && replay.length >= 3 ? true : undefined));
      const expected = [
        { type: 'put', key: '/wk', value: 'a', modRevision: String(Number(first) + 1) },
        { type: 'put', key: '/wk', value: 'b', modRevision: String(Number(first) + 2) },
        { type: 'delete', key: '/wk', value: '', modRevision: String(Number(first) + 3) },
      ];
      expect(events).toEqual(expected);
      expect(replay).toEqual(expected);
    });

    it('watch from a compacted revision is cancelled with an error', async () => {
      await c().put('/cw').value('1');
      const rev = (await c().put('/cw').value('2').exec()).header.revision;
      await c().kv.compact({ revision: rev });
      const own = newClient(); // the server ends this watcher: keep it off the shared client's watch stream
      const w = own.watch().key('/cw').startRevision(String(Number(rev) - 1)).watcher();
      const err = await new Promise<Error>((resolve) => w.on('error', resolve));
      expect(err.message).toMatch(/^Watcher canceled/);
    });
  });

  describe('lease', () => {
    it('grant, attach keys, ttl, keepalive, revoke', async () => {
      const lease = c().lease(60, { autoKeepAlive: false });
      cleanups.push(() => lease.revoke());
      const id = await lease.grant();
      expect(id).toMatch(/^\d+$/);
      await lease.put('/lease/k1').value('v1');
      await c().put('/lease/k2').value('v2').lease(id);
      const kv = (await c().get('/lease/k1').exec()).kvs[0];
      expect(kv?.lease).toBe(id);

      const ttl = await c().leaseClient.leaseTimeToLive({ ID: id, keys: true });
      expect(ttl.grantedTTL).toBe('60');
      expect(Number(ttl.TTL)).toBeGreaterThanOrEqual(55);
      expect(ttl.keys.map((k) => k.toString()).sort()).toEqual(['/lease/k1', '/lease/k2']);

      const leases = await c().leaseClient.leaseLeases();
      expect(leases.leases.map((l) => l.ID)).toContain(id);

      const ka = await lease.keepaliveOnce();
      expect({ id: ka.ID, ttl: ka.TTL }).toEqual({ id, ttl: '60' });

      await lease.revoke();
      expect(await c().getAll().prefix('/lease/').keys()).toEqual([]);
      const after = await c().leaseClient.leaseTimeToLive({ ID: id, keys: false });
      expect(after.TTL).toBe('-1');
    });

    it('operations on a revoked lease fail with EtcdLeaseInvalidError', async () => {
      const lease = c().lease(30, { autoKeepAlive: false });
      const id = await lease.grant();
      await lease.revoke();
      await expect(c().put('/lease/k3').value('x').lease(id).exec()).rejects.toBeInstanceOf(EtcdLeaseInvalidError);
      await expect(c().leaseClient.leaseRevoke({ ID: id })).rejects.toBeInstanceOf(EtcdLeaseInvalidError);
    });

    it('automatic keepalive keeps a short lease alive', async () => {
      const lease = c().lease(2);
      cleanups.push(() => lease.revoke());
      await lease.grant();
      await lease.put('/lease/kept').value('v');
      await sleep(3500);
      expect(await c().get('/lease/kept').string()).toBe('v');
      await lease.revoke();
      expect(await c().get('/lease/kept').string()).toBeNull();
    });

    it('expiry: a 1 s lease gets the 2 s minimum TTL, then its key is deleted', async () => {
      const lease = c().lease(1, { autoKeepAlive: false });
      const t0 = Date.now();
      const id = await lease.grant();
      const ttl = await c().leaseClient.leaseTimeToLive({ ID: id, keys: false });
      expect(ttl.grantedTTL).toBe('2');
      await lease.put('/lease/exp').value('v');
      await sleep(Math.max(0, t0 + 1000 - Date.now()));
      expect(await c().get('/lease/exp').string()).toBe('v');
      await waitFor('leased key to expire', async () => ((await c().get('/lease/exp').string()) === null ? true : undefined), 8000, 100);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(1500);
      const gone = await c().leaseClient.leaseTimeToLive({ ID: id, keys: false });
      expect(gone.TTL).toBe('-1');
      lease.release();
    });
  });

  describe('lock', () => {
    it('a second acquirer is refused while the lock is held, and gets it after release', async () => {
      const other = newClient();
      const l1 = c().lock('mylock');
      await l1.acquire();
      cleanups.push(() => l1.release());
      await expect(other.lock('mylock').ttl(5).acquire()).rejects.toBeInstanceOf(EtcdLockFailedError);
      // a waiter that retries (etcd3's Lock does not queue) only gets in after release
      let acquiredAt = 0;
      const waiter = (async () => {
        for (;;) {
          const l2 = other.lock('mylock').ttl(5);
          try {
            await l2.acquire();
            acquiredAt = Date.now();
            return l2;
          } catch (e) {
            if (!(e instanceof EtcdLockFailedError)) throw e;
            await sleep(50);
          }
        }
      })();
      await sleep(500);
      expect(acquiredAt).toBe(0);
      const releasedAt = Date.now();
      await l1.release();
      const l2 = await waiter;
      expect(acquiredAt).toBeGreaterThanOrEqual(releasedAt);
      expect(await c().get('mylock').exists()).toBe(true);
      await l2.release();
      expect(await c().get('mylock').exists()).toBe(false);
    });

    it('lock.do() runs the function under the lock and releases it', async () => {
      const value = await c().lock('dolock').do(async () => {
        expect(await c().get('dolock').exists()).toBe(true);
        return 42;
      });
      expect(value).toBe(42);
      expect(await c().get('dolock').exists()).toBe(false);
    });
  });

  describe('election', () => {
    it('the second candidate waits until the first resigns; an observer sees each leader', async () => {
      const other = newClient();
      const election = c().election('myelection', 5);
      expect(await election.leader()).toBeUndefined();

      const a = election.campaign('candA');
      cleanups.push(() => a.resign());
      await a.wait();
      expect(await election.leader()).toBe('candA');

      // observe from a client of its own (etcd3 multiplexes a client's watchers on one stream)
      const observer = await newClient().election('myelection', 5).observe();
      cleanups.push(() => observer.cancel());
      expect(observer.leader()).toBe('candA');
      const seen: Array<string | undefined> = [];
      observer.on('change', (v) => seen.push(v));

      const b = other.election('myelection', 5).campaign('candB');
      cleanups.push(() => b.resign());
      let bElected = false;
      b.on('elected', () => {
        bElected = true;
      });
      await sleep(700);
      expect(bElected).toBe(false);
      expect(await election.leader()).toBe('candA');

      await a.proclaim('candA-2');
      expect(await election.leader()).toBe('candA-2');
      await waitFor('observer to see the proclamation', () => (seen.includes('candA-2') ? true : undefined));

      await a.resign();
      await b.wait();
      expect(bElected).toBe(true);
      expect(await election.leader()).toBe('candB');
      await waitFor('observer to see candB', () => (seen.includes('candB') ? true : undefined));
      expect(seen).toEqual(['candA-2', 'candB']);
      await b.resign();
      expect(await election.leader()).toBeUndefined();
    });
  });

  describe('compaction errors', () => {
    it('reading or compacting a compacted revision, compacting a future revision', async () => {
      const r1 = (await c().put('/c/k').value('v1').exec()).header.revision;
      const r2 = (await c().put('/c/k').value('v2').exec()).header.revision;
      expect(await c().get('/c/k').revision(r1).string()).toBe('v1');
      await c().kv.compact({ revision: r2, physical: true });
      const compacted = c().get('/c/k').revision(r1).exec();
      await expect(compacted).rejects.toBeInstanceOf(GRPCOutOfRangeError);
      await expect(compacted).rejects.toThrow('etcdserver: mvcc: required revision has been compacted');
      await expect(c().kv.compact({ revision: r2 })).rejects.toThrow('etcdserver: mvcc: required revision has been compacted');
      await expect(c().kv.compact({ revision: String(Number(r2) + 1000) })).rejects.toThrow(
        'etcdserver: mvcc: required revision is a future revision',
      );
      expect(await c().get('/c/k').revision(r2).string()).toBe('v2');
    });
  });
});
