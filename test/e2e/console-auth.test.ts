// The console with auth enabled: /ui/api/config stays open, everything else needs the token the
// gateway's /v3/auth/authenticate gave, and reads are made as that user (a user limited to /app/
// sees its keys and gets 403 beyond them).
import { describe, expect, it } from 'vitest';
import type { ClusterView } from '../../src/api/console/cluster-view.js';
import type { KeyHistory } from '../../src/api/console/history.js';
import type { Tree } from '../../src/api/console/tree.js';
import { enableAppAuth } from '../support/auth-rpc.js';
import { getJson, openSse, request, sameLeaseId } from '../support/console-http.js';
import { prereqs } from '../support/env.js';
import { waitFor } from '../support/proc.js';
import { useNode } from '../support/suite.js';

const pre = prereqs({ etcdctl: true });
const f = useNode(pre);

async function tokenOf(name: string, password: string): Promise<string> {
  const r = await fetch(`${f.node.clientUrl}/v3/auth/authenticate`, { method: 'POST', body: JSON.stringify({ name, password }) });
  expect(r.status).toBe(200);
  return ((await r.json()) as { token: string }).token;
}

describe('console with auth enabled', () => {
  it('keeps config open and refuses every other call without a valid token (401)', async () => {
    expect((await f.ctl.run(['put', '/other/x', 'secret'])).code).toBe(0);
    for (const s of await enableAppAuth(f.ctl)) expect(s.code, `${s.step}: ${s.stderr}`).toBe(0);
    const cfg = await getJson<{ authEnabled: boolean }>(`${f.node.clientUrl}/ui/api/config`);
    expect(cfg.status).toBe(200);
    expect(cfg.body.authEnabled).toBe(true);
    for (const path of ['cluster', 'tree', 'history?key=/app/seed', 'leases', 'locks', 'stream']) {
      for (const headers of [{}, { Authorization: 'not-a-token' }] as Record<string, string>[]) {
        const r = await getJson<{ error: string; code: number }>(`${f.node.clientUrl}/ui/api/${path}`, { headers });
        expect(r.status, path).toBe(401);
        expect(r.body).toEqual({ error: 'etcdserver: invalid auth token', code: 16 });
      }
    }
  });

  it('reads as the token user: its own prefix, and 403 beyond it', async () => {
    const headers = { Authorization: await tokenOf('u', 'upw') };
    const api = <T>(path: string): Promise<{ status: number; body: T }> => getJson<T>(`${f.node.clientUrl}/ui/api/${path}`, { headers });
    const mine = await api<Tree>(`tree?prefix=${encodeURIComponent('/app/')}`);
    expect(mine.status).toBe(200);
    expect(mine.body.children).toEqual([{ name: 'seed', prefix: '/app/seed', count: 1, isKey: true }]);
    const all = await api<{ error: string; code: number }>('tree');
    expect(all.status).toBe(403);
    expect(all.body).toEqual({ error: 'etcdserver: permission denied', code: 7 });
    const other = await api<{ error: string; code: number }>(`tree?prefix=${encodeURIComponent('/other/')}`);
    expect(other.status).toBe(403);
    const hist = await api<KeyHistory>(`history?key=${encodeURIComponent('/app/seed')}`);
    expect(hist.status).toBe(200);
    expect(hist.body.versions).toHaveLength(1);
    expect((await api<unknown>(`history?key=${encodeURIComponent('/other/x')}`)).status).toBe(403);
    const cluster = await api<ClusterView>('cluster');
    expect(cluster.status).toBe(200);
    expect(cluster.body.members).toHaveLength(1);
    const s = openSse(`${f.node.clientUrl}/ui/api/stream`, { headers });
    try {
      await waitFor('a cluster event for the user', () => (s.events.some((e) => e.event === 'cluster') ? true : undefined));
      expect(s.status).toBe(200);
    } finally {
      s.close();
    }
  });

  it("lists every lease but only the keys the user may read", async () => {
    const root = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => f.ctl.run(['--user=root:rootpw', ...args]);
    const grant = await root(['lease', 'grant', '300']);
    const id = /lease ([0-9a-f]+) granted/.exec(grant.stdout)?.[1];
    expect(id, grant.stderr).toBeDefined();
    for (const k of ['/app/leased', '/other/leased']) expect((await root(['put', k, 'v', `--lease=${id}`])).code).toBe(0);
    const asUser = await getJson<{ leases: { id: string; keys: string[] }[] }>(`${f.node.clientUrl}/ui/api/leases`, { headers: { Authorization: await tokenOf('u', 'upw') } });
    expect(asUser.status).toBe(200);
    const same = (l: { id: string }): boolean => sameLeaseId(l.id, id ?? '');
    expect(asUser.body.leases.find(same)?.keys).toEqual(['/app/leased']);
    const asRoot = await getJson<{ leases: { id: string; keys: string[] }[] }>(`${f.node.clientUrl}/ui/api/leases`, { headers: { Authorization: await tokenOf('root', 'rootpw') } });
    expect([...(asRoot.body.leases.find(same)?.keys ?? [])].sort()).toEqual(['/app/leased', '/other/leased']);
  });

  it('shows root everything', async () => {
    const headers = { Authorization: await tokenOf('root', 'rootpw') };
    const all = await getJson<Tree>(`${f.node.clientUrl}/ui/api/tree`, { headers });
    expect(all.status).toBe(200);
    expect(all.body.children).toEqual([{ name: '/', prefix: '/', count: 4, isKey: false }]);
    const r = await request(`${f.node.clientUrl}/ui/api/leases`, { headers });
    expect(r.status).toBe(200);
  });
});
