// The JSON gateway on a follower: a lease keep-alive is relayed to the leader, and the answer
// comes back even though the gateway half-closes its keep-alive stream right after the request
// (Patroni renews its member lease this way, through whichever member it talks to).
import { describe, expect, it } from 'vitest';
import { useClusters } from '../support/cluster.js';
import { prereqs } from '../support/env.js';

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
});
