// The console's key, lease and lock views against one member, with data written by etcdctl:
// the prefix tree and its counts, a key's history (3 writes, a delete, a compaction), leases with
// their keys, and the holder and waiter of an etcdctl lock and the leader of an election.
import { describe, expect, it } from 'vitest';
import type { KeyHistory } from '../../src/api/console/history.js';
import type { LeaseView } from '../../src/api/console/leases.js';
import type { LockGroup } from '../../src/api/console/locks.js';
import type { Tree } from '../../src/api/console/tree.js';
import { EtcdClient } from '../../src/client/index.js';
import { getJson, sameLeaseId } from '../support/console-http.js';
import { prereqs } from '../support/env.js';
import { waitFor } from '../support/proc.js';
import { useNode } from '../support/suite.js';

const pre = prereqs({ etcdctl: true });
const f = useNode(pre);
const api = <T>(path: string): Promise<{ status: number; body: T }> => getJson<T>(`${f.node.clientUrl}/ui/api/${path}`);
const b64 = (s: string): string => Buffer.from(s).toString('base64');

async function ok(args: string[]): Promise<string> {
  const r = await f.ctl.run(args);
  expect(r.code, `etcdctl ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

describe('tree', () => {
  it('lists the children of a prefix with their key counts', async () => {
    for (const k of ['/t/a', '/t/a/x', '/t/a/y', '/t/b/c/d', '/t/e', '/u/z']) await ok(['put', k, 'v']);
    const r = await api<Tree>(`tree?prefix=${encodeURIComponent('/t/')}`);
    expect(r.status).toBe(200);
    expect(r.body.prefix).toBe('/t/');
    expect(r.body.truncated).toBe(false);
    expect(r.body.revision).toBeGreaterThan(0);
    expect(r.body.children).toEqual([
      { name: 'a', prefix: '/t/a', count: 1, isKey: true },
      { name: 'a/', prefix: '/t/a/', count: 2, isKey: false },
      { name: 'b/', prefix: '/t/b/', count: 1, isKey: false },
      { name: 'e', prefix: '/t/e', count: 1, isKey: true },
    ]);
    const root = await api<Tree>('tree');
    expect(root.body.children).toEqual([{ name: '/', prefix: '/', count: 6, isKey: false }]);
    const none = await api<Tree>('tree?prefix=nothing-here');
    expect(none.body.children).toEqual([]);
  });
});

describe('history', () => {
  it('gives every version of a key written 3 times, newest first', async () => {
    for (const v of ['one', 'two', 'three']) await ok(['put', '/h/k', v]);
    const r = await api<KeyHistory>(`history?key=${encodeURIComponent('/h/k')}`);
    expect(r.status).toBe(200);
    expect(r.body.key).toBe('/h/k');
    expect(r.body.versions.map((v) => [Buffer.from(v.value, 'base64').toString(), v.version, v.deleted])).toEqual([
      ['three', 3, false],
      ['two', 2, false],
      ['one', 1, false],
    ]);
    const [v3, v2, v1] = r.body.versions;
    expect(v3!.createRevision).toBe(v1!.modRevision);
    expect(v3!.modRevision).toBe(v2!.modRevision + 1);
    expect(v1!.lease).toBe('0');
  });

  it('shows a delete and the lifetime before it, and stops at the compaction point', async () => {
    await ok(['put', '/h/d', 'a']);
    await ok(['put', '/h/d', 'b']);
    await ok(['del', '/h/d']);
    await ok(['put', '/h/other', 'x']);
    await ok(['put', '/h/d', 'c']);
    const before = await api<KeyHistory>(`history?key=${encodeURIComponent('/h/d')}`);
    const rows = before.body.versions.map((v) => [v.deleted ? 'DELETE' : Buffer.from(v.value, 'base64').toString(), v.version]);
    expect(rows).toEqual([
      ['c', 1],
      ['DELETE', 0],
      ['b', 2],
      ['a', 1],
    ]);
    const del = before.body.versions[1]!;
    expect(del.modRevision).toBe(before.body.versions[2]!.modRevision + 1);
    expect(before.body.versions[0]!.createRevision).toBe(del.modRevision + 2);

    // Compacting at the delete's revision leaves only what is readable from there on.
    await ok(['compaction', String(del.modRevision)]);
    const after = await api<KeyHistory>(`history?key=${encodeURIComponent('/h/d')}`);
    expect(after.body.compactRevision).toBe(del.modRevision);
    expect(after.body.versions.map((v) => (v.deleted ? 'DELETE' : Buffer.from(v.value, 'base64').toString()))).toEqual(['c']);
  });

  it('gives at most the 100 newest versions', async () => {
    const client = new EtcdClient([f.node.endpoint], { timeoutMs: 10_000 });
    try {
      for (let i = 1; i <= 120; i++) await client.put('/h/many', String(i));
    } finally {
      client.close();
    }
    const r = await api<KeyHistory>(`history?key=${encodeURIComponent('/h/many')}`);
    expect(r.body.versions).toHaveLength(100);
    expect(r.body.versions.map((v) => v.version)).toEqual(Array.from({ length: 100 }, (_, i) => 120 - i));
  });

  it('answers a key that never existed with no versions', async () => {
    const r = await api<KeyHistory>('history?key=never');
    expect(r.status).toBe(200);
    expect(r.body.versions).toEqual([]);
  });
});

describe('leases and locks', () => {
  it('lists leases with their TTLs and keys', async () => {
    const out = await ok(['lease', 'grant', '300']);
    const id = /lease ([0-9a-f]+) granted/.exec(out)?.[1];
    expect(id).toBeDefined();
    await ok(['put', '/l/a', '1', `--lease=${id}`]);
    await ok(['put', '/l/b', '2', `--lease=${id}`]);
    const r = await api<{ leases: LeaseView[] }>('leases');
    expect(r.status).toBe(200);
    const l = r.body.leases.find((x) => sameLeaseId(x.id, id ?? ''));
    expect(l?.grantedTtl).toBe(300);
    expect(l?.ttl).toBeGreaterThan(0);
    expect(l?.ttl).toBeLessThanOrEqual(300);
    expect([...(l?.keys ?? [])].sort()).toEqual(['/l/a', '/l/b']);
  });

  it('shows the holder and the waiter of an etcdctl lock, and an election leader', async () => {
    const holder = f.ctl.start(['lock', 'console-lock']);
    await holder.waitForStdout((s) => s.includes('console-lock/'));
    const waiter = f.ctl.start(['lock', 'console-lock']);
    const elect = f.ctl.start(['elect', 'console-elect', 'proposal-1']);
    await elect.waitForStdout((s) => s.includes('proposal-1'));
    const groups = await waitFor('the lock with a waiter', async () => {
      const r = await api<{ groups: LockGroup[] }>('locks');
      const g = r.body.groups.find((x) => x.prefix === 'console-lock/');
      return g !== undefined && g.waiters.length === 1 ? r.body.groups : undefined;
    });
    const lock = groups.find((x) => x.prefix === 'console-lock/')!;
    expect(lock.kind).toBe('lock');
    expect(lock.holder.key).toBe(`console-lock/${lock.holder.lease}`);
    expect(lock.waiters[0]!.createRevision).toBeGreaterThan(lock.holder.createRevision);
    const election = groups.find((x) => x.prefix === 'console-elect/');
    expect(election?.kind).toBe('election');
    expect(election?.holder.value).toBe(b64('proposal-1'));
    expect(election?.waiters).toEqual([]);
    expect(waiter.exited).toBe(false);
  });
});
