// The console's cluster view on real clusters: a 3-member one (leader, followers, indexes, lag,
// sizes, URLs, from any member) and an https one (the console is served over the port's TLS).
import { describe, expect, it } from 'vitest';
import type { ClusterView } from '../../src/api/console/cluster-view.js';
import { getJson, request } from '../support/console-http.js';
import { prereqs } from '../support/env.js';
import { useClusters } from '../support/cluster.js';

const pre = prereqs({});
const clusters = useClusters(pre);

describe('cluster view on 3 members', () => {
  const cluster = clusters.shared(3);

  it('lists every member with its role, indexes, lag and sizes, as any member sees it', async () => {
    const c = cluster();
    const leader = await c.waitLeader();
    const client = c.client();
    try {
      await client.put('/console/k', 'v');
    } finally {
      client.close();
    }
    for (const n of c.running) {
      const r = await getJson<ClusterView>(`${n.clientUrl}/ui/api/cluster`);
      expect(r.status).toBe(200);
      const v = r.body;
      expect(v.memberId).toBe(n.memberId?.toString(16));
      expect(v.leaderId).toBe(leader.memberId?.toString(16));
      expect(v.term).toBeGreaterThan(0);
      expect(v.members).toHaveLength(3);
      expect(v.members.map((m) => m.name).sort()).toEqual(c.running.map((x) => x.name).sort());
      for (const m of v.members) {
        const node = c.node(m.name);
        expect(m.id).toBe(node.memberId?.toString(16));
        expect(m.role).toBe(node === leader ? 'leader' : 'follower');
        expect(m.term).toBe(v.term);
        expect(m.commitIndex).toBeGreaterThan(0);
        expect(m.appliedIndex).toBeGreaterThan(0);
        expect(m.lag).toBeGreaterThanOrEqual(0);
        expect(m.dbSize).toBeGreaterThan(0);
        expect(m.dbSizeInUse).toBeGreaterThan(0);
        expect(m.dbSizeInUse).toBeLessThanOrEqual(m.dbSize);
        expect(m.alarms).toEqual([]);
        expect(m.version).toBe('3.4.23');
        expect(m.clientURLs).toEqual([node.clientUrl]);
        expect(m.peerURLs).toHaveLength(1);
        expect(m.error).toBeUndefined();
      }
      // Only the member that answers can time its leader's election.
      expect(v.leaderSince === null || typeof v.leaderSince === 'number').toBe(true);
    }
    const fromLeader = await getJson<ClusterView>(`${leader.clientUrl}/ui/api/cluster`);
    expect(typeof fromLeader.body.leaderSince).toBe('number');
  });

  it('lists a stopped member as unreachable', async () => {
    const c = cluster();
    const followers = await c.followers();
    const down = followers[0]!;
    await down.kill();
    try {
      const live = c.running[0]!;
      const v = (await getJson<ClusterView>(`${live.clientUrl}/ui/api/cluster`)).body;
      const m = v.members.find((x) => x.name === down.name);
      expect(m?.role).toBe('unreachable');
      expect(typeof m?.error).toBe('string');
      expect(v.members.filter((x) => x.role !== 'unreachable')).toHaveLength(2);
    } finally {
      await down.restart();
    }
  });
});

describe('console over https', () => {
  const cluster = clusters.shared(1, { tls: true });

  it('serves /ui/ and the API over the client port TLS', async () => {
    const c = cluster();
    const n = c.running[0]!;
    expect(n.clientUrl.startsWith('https://')).toBe(true);
    const tls = c.clientTls;
    const r = await request(`${n.clientUrl}/ui`, { tls });
    expect(r.status).toBe(301);
    expect(r.headers['content-security-policy']).toContain("default-src 'none'");
    const v = await getJson<ClusterView>(`${n.clientUrl}/ui/api/cluster`, { tls });
    expect(v.status).toBe(200);
    expect(v.body.members).toHaveLength(1);
    expect(v.body.members[0]?.role).toBe('leader');
  });
});
