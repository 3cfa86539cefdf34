// kill -9 of the leader under load: writers pinned to every member record
// each acknowledged put; after the kill a new leader is elected, writes go on
// through the survivors (the time from the kill to the first accepted write
// is measured and logged), and no acknowledged put is missing on any
// survivor. Then the killed member restarts and catches up: same keys, same
// HashKV at a common revision.
import { describe, expect, it } from 'vitest';
import type { ClusterNode } from '../../cluster/cluster-node.js';
import { useClusters } from '../support/cluster.js';
import { hashesAt, lostWrites, putVia, readPrefix, startWriters, type Ack } from '../support/cluster-io.js';
import { prereqs } from '../support/env.js';
import { sleep, waitFor } from '../support/proc.js';

const pre = prereqs({});
const PREFIX = '/failover/';

/**
 * Puts with a short deadline through every survivor, over and over, until
 * one is acknowledged: the time from `since` to that acknowledgement.
 */
async function firstWriteAfter(survivors: readonly ClusterNode[], since: number): Promise<number> {
  let done = false;
  const tries = survivors.map(async (n) => {
    const client = n.client(500);
    try {
      for (let i = 0; !done && Date.now() - since < 20_000; i++) {
        try {
          await client.put(`/failover-probe/${n.name}/${i}`, 'p');
          done = true;
          return Date.now() - since;
        } catch {
          await sleep(20);
        }
      }
      return Infinity;
    } finally {
      client.close();
    }
  });
  const ms = Math.min(...(await Promise.all(tries)));
  if (!Number.isFinite(ms)) throw new Error('no write accepted within 20 s of the leader kill');
  return ms;
}

describe.skipIf(pre.skip)('leader failure', () => {
  const fx = useClusters(pre);
  let killed: ClusterNode | undefined;
  let acked = new Map<string, Ack>();
  const c = fx.shared(3);

  it('kill -9 of the leader: a new leader, writes continue, no acknowledged write lost', async () => {
    const writers = startWriters(c().endpoints(), { prefix: PREFIX, perEndpoint: 2, timeoutMs: 3000 });
    try {
      await waitFor('300 acknowledged puts before the kill', () => (writers.acked.size >= 300 ? true : undefined), 30_000, 10);
      const leader = await c().waitLeader();
      const killAt = Date.now();
      expect(await leader.kill('SIGKILL')).toBe(137);
      killed = leader;

      const probe = firstWriteAfter(c().running, killAt);
      const next = await c().waitLeader({ not: leader, timeoutMs: 15_000 });
      const electedMs = Date.now() - killAt;
      const probeMs = await probe;
      await waitFor('300 puts sent after the kill acknowledged', () => (writers.ackedSince(killAt) >= 300 ? true : undefined), 30_000, 10);
      const first = writers.firstAckSince(killAt);
      expect(first).toBeDefined();
      const firstWriteMs = (first?.ackedAt ?? 0) - killAt;
      console.log(
        `[failover] killed leader ${leader.name}; new leader ${next.name} seen after ${electedMs} ms; ` +
          `first write accepted ${probeMs} ms after the kill (short-deadline probe); ` +
          `first writer ack of a put sent after the kill: ${firstWriteMs} ms`,
      );
      expect(next).not.toBe(leader);
    } finally {
      await writers.stop();
    }
    acked = writers.acked;
    console.log(`[failover] ${writers.acked.size} acknowledged of ${writers.attempts} attempted puts`);

    for (const n of c().running) {
      const have = await readPrefix(n, PREFIX);
      expect(lostWrites(acked, have), `acknowledged writes missing on ${n.name}`).toEqual([]);
    }
  });

  it('the killed member restarts and catches up (same keys, same HashKV)', async () => {
    const node = killed;
    if (node === undefined) throw new Error('previous test did not kill a leader');
    await node.restart();
    await c().waitHealthy();
    const rev = await putVia(await c().waitLeader(), '/failover-marker', 'after-restart');

    const hashes = await hashesAt(c().nodes, rev);
    const ref = hashes.get(node.name);
    expect(ref).toBeDefined();
    for (const [name, h] of hashes) expect(h, `HashKV(${rev}) of ${name} vs restarted ${node.name}`).toEqual(ref);

    const have = await readPrefix(node, PREFIX, { serializable: true });
    expect(lostWrites(acked, have), `acknowledged writes missing on restarted ${node.name}`).toEqual([]);
  });
});
