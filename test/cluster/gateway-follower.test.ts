// The JSON gateway on a follower: a lease keep-alive is relayed to the leader, and the answer
// comes back even though the gateway half-closes its keep-alive stream right after the request
// (Patroni renews its member lease this way, through whichever member it talks to). And the
// leader's /metrics, which alone has heartbeat round trips.
import { describe, expect, it } from 'vitest';
import { useClusters } from '../support/cluster.js';
import { prereqs } from '../support/env.js';
import { waitFor } from '../support/proc.js';

const pre = prereqs({});

async function post(endpoint: string, route: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(`http://${endpoint}${route}`, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  const text = await r.text();
  return { status: r.status, json: JSON.parse(text) as Record<string, unknown> };
}

describe.skipIf(pre.skip)('the JSON gateway on a follower', () => {
  const fx = useClusters(pre);
  const c = fx.shared(3);

  it('answers /v3/lease/keepalive with the TTL from the leader', async () => {
    const leader = await c().waitLeader();
    const followers = c().running.filter((n) => n !== leader);
    const granted = await post(leader.endpoint, '/v3/lease/grant', { TTL: 30 });
    const id = granted.json['ID'];
    expect(typeof id).toBe('string');
    for (const f of followers) {
      const r = await post(f.endpoint, '/v3/lease/keepalive', { ID: id });
      expect(r.status).toBe(200);
      const result = r.json['result'] as Record<string, unknown>;
      expect(result['ID']).toBe(id);
      expect(result['TTL']).toBe('30');
    }
  });

  it("has the leader's /metrics show a heartbeat round-trip histogram for each follower", async () => {
    const leader = await c().waitLeader();
    const followers = c().running.filter((n) => n !== leader);
    const text = await waitFor('round trips to both followers', async () => {
      const t = await (await fetch(`http://${leader.endpoint}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
      return followers.every((f) => new RegExp(`^etcd_network_peer_round_trip_time_seconds_count\\{To="${(f.memberId ?? 0n).toString(16)}"\\} [1-9]`, 'm').test(t)) ? t : undefined;
    }, 15_000, 500);
    expect(text).toMatch(/^# TYPE etcd_network_peer_round_trip_time_seconds histogram$/m);
    expect(text).toMatch(/^etcd_network_peer_round_trip_time_seconds_bucket\{le="0\.0001",To="[0-9a-f]+"\} \d+$/m);
  });
});
