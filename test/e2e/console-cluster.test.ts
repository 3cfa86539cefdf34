// The console's cluster view on real clusters: a 3-member one (leader, followers, indexes, lag,
// sizes, URLs, from any member) and an https one (the console is served over the port's TLS).
import { describe, expect, it } from 'vitest';
import type { ClusterView } from '../../src/api/console/cluster-view.js';
import type { LeaderEvent } from '../../src/api/console/leader-timeline.js';
import type { MetricsSample } from '../../src/api/console/metrics-sampler.js';
import { getJson, openSse, request, type SseStream } from '../support/console-http.js';
import { waitFor } from '../support/proc.js';
import { prereqs } from '../support/env.js';
import { useClusters } from '../support/cluster.js';

const pre = prereqs({});
const clusters = useClusters(pre);

// One 3-member cluster for the file (the tests restart what they stop).
const cluster = clusters.shared(3);

describe('cluster view on 3 members', () => {
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
      // A member's first Status of another member includes dialling it; under load that may miss
      // the 1 s deadline once (the member is then listed as unreachable), so the view is re-read.
      const r = await waitFor('every member reachable', async () => {
        const a = await getJson<ClusterView>(`${n.clientUrl}/ui/api/cluster`);
        return a.body.members.every((m) => m.role !== 'unreachable') ? a : undefined;
      });
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
      // (the live members are re-read until both answered within the deadline)
      const v = await waitFor('a view with the two live members', async () => {
        const a = (await getJson<ClusterView>(`${live.clientUrl}/ui/api/cluster`)).body;
        return a.members.filter((x) => x.role !== 'unreachable').length === 2 ? a : undefined;
      });
      const m = v.members.find((x) => x.name === down.name);
      expect(m?.role).toBe('unreachable');
      expect(m?.error).toMatch(/\S/);
      expect(m?.error).not.toMatch(/Resolution note/);
    } finally {
      await down.restart();
    }
  });
});

function eventsOf<T>(s: SseStream, name: string): T[] {
  return s.events.filter((e) => e.event === name).map((e) => JSON.parse(e.data) as T);
}

describe('event stream on 3 members', () => {
  it('sends the cluster at once, the leader backlog, metrics every second, and leader changes as they happen', async () => {
    const c = cluster();
    const leader = await c.waitLeader();
    const follower = (await c.followers())[0]!;
    const s = openSse(`${follower.clientUrl}/ui/api/stream`);
    try {
      await waitFor('first cluster event', () => (eventsOf(s, 'cluster').length > 0 ? true : undefined));
      expect(s.status).toBe(200);
      expect(s.headers?.['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(s.headers?.['content-security-policy']).toContain("default-src 'none'");
      const first = eventsOf<ClusterView>(s, 'cluster')[0]!;
      expect(first.leaderId).toBe(leader.memberId?.toString(16));
      expect(first.members).toHaveLength(3);
      const backlog = eventsOf<LeaderEvent>(s, 'leader');
      expect(backlog.at(-1)).toMatchObject({ kind: 'elected', leaderId: leader.memberId?.toString(16), term: first.term });

      // Writes to this member show up as a rate in a later sample of its metrics.
      const client = c.client([follower]);
      try {
        await waitFor(
          'a metrics sample with writes',
          async () => {
            await Promise.all(Array.from({ length: 20 }, (_, i) => client.put(`/stream/${i}`, 'v')));
            return eventsOf<MetricsSample>(s, 'metrics').find((m) => m.writesPerSec > 0);
          },
          20_000,
          200,
        );
      } finally {
        client.close();
      }
      const m = eventsOf<MetricsSample>(s, 'metrics').at(-1)!;
      expect(Object.keys(m).sort()).toEqual(['applyMs', 'at', 'fsyncMs', 'readsPerSec', 'watchers', 'writesPerSec']);

      // The leader is killed: the follower's stream reports the loss and the new leader.
      await leader.kill();
      try {
        const next = await c.waitLeader({ not: leader });
        const elected = await waitFor(
          'the new leader on the stream',
          () => eventsOf<LeaderEvent>(s, 'leader').find((e) => e.kind === 'elected' && e.leaderId === next.memberId?.toString(16)),
          20_000,
        );
        expect(elected.term).toBeGreaterThan(first.term);
        const view = await waitFor('a cluster event with the new leader', () =>
          eventsOf<ClusterView>(s, 'cluster').find((v) => v.leaderId === next.memberId?.toString(16) && v.members.some((x) => x.role === 'unreachable')),
        20_000);
        expect(view.members.find((x) => x.name === leader.name)?.role).toBe('unreachable');
      } finally {
        await leader.restart();
      }
    } finally {
      s.close();
    }
  });
});

describe('console over https', () => {
  const tlsCluster = clusters.shared(2, { tls: true });

  it('serves /ui/ and the API over the client port TLS, and reaches the other member over https', async () => {
    const c = tlsCluster();
    const n = c.running[0]!;
    expect(n.clientUrl.startsWith('https://')).toBe(true);
    const tls = c.clientTls;
    const r = await request(`${n.clientUrl}/ui`, { tls });
    expect(r.status).toBe(301);
    expect(r.headers['content-security-policy']).toContain("default-src 'none'");
    const v = await waitFor('both members reachable', async () => {
      const a = await getJson<ClusterView>(`${n.clientUrl}/ui/api/cluster`, { tls });
      return a.body.members.length === 2 && a.body.members.every((m) => m.role !== 'unreachable') ? a : undefined;
    });
    expect(v.status).toBe(200);
    expect(v.body.members, JSON.stringify(v.body.members)).toHaveLength(2);
    expect(v.body.members.map((m) => m.error)).toEqual([undefined, undefined]);
    expect(v.body.members.map((m) => m.role).sort()).toEqual(['follower', 'leader']);
    for (const m of v.body.members) expect(m.clientURLs[0]?.startsWith('https://')).toBe(true);
  });
});
