// Consensus never waits for the state machine (issue #8): on 3 members holding 100,000 keys of
// 1 KiB, a member that joins and catches up by snapshot while writes go on, then one DeleteRange
// of every key, a physical compaction, a defrag of every member and a snapshot save, all leave the
// leader and the raft term as they were. Facts only: no timing is asserted.
import { describe, expect, it } from 'vitest';
import type { ClusterNode } from '../../cluster/cluster-node.js';
import type { LocalCluster } from '../../cluster/local-cluster.js';
import { useClusters } from '../support/cluster.js';
import { hashesAt, logLines, putVia, startWriters } from '../support/cluster-io.js';
import { prereqs } from '../support/env.js';
import { waitFor } from '../support/proc.js';

const pre = prereqs({});
const PREFIX = '/heavy/';
const KEYS = 100_000;
const VALUE = 'x'.repeat(1024);
/**
 * Puts per txn. 6,250 entries: more than the 5,000 the leader keeps for catch-up after a log
 * compaction (every 100 entries here), so a member added afterwards needs a snapshot.
 */
const PER_TXN = 16;
const LOADERS = 4;

interface Leadership {
  leader: bigint;
  term: number;
}

/** Every running member's view of leader and term; they must all agree. */
async function leadership(cluster: LocalCluster): Promise<Leadership> {
  const views = await Promise.all(
    cluster.running.map(async (n) => {
      const s = await n.status(5000);
      return { name: n.name, leader: s.leader, term: s.raftTerm };
    }),
  );
  const first = views[0];
  if (first === undefined) throw new Error('no member running');
  for (const v of views) expect({ leader: v.leader, term: v.term }, `leader and term seen by ${v.name}`).toEqual({ leader: first.leader, term: first.term });
  return { leader: first.leader, term: first.term };
}

async function load(node: ClusterNode): Promise<void> {
  const client = node.client(30_000);
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: LOADERS }, async () => {
        for (let b = next++; b * PER_TXN < KEYS; b = next++) {
          const success = Array.from({ length: PER_TXN }, (_, i) => ({
            request_put: { key: Buffer.from(`${PREFIX}${String(b * PER_TXN + i).padStart(6, '0')}`), value: Buffer.from(VALUE) },
          }));
          await client.txn({ success });
        }
      }),
    );
  } finally {
    client.close();
  }
}

function logMessages(node: ClusterNode): string[] {
  return logLines<{ msg?: unknown }>(node).map((l) => String(l.msg));
}

describe.skipIf(pre.skip)('heavy operations on 100,000 keys of 1 KiB', () => {
  const fx = useClusters(pre);
  const c = fx.shared(3, { extraFlags: ['--snapshot-count', '100'] });

  it('a member added under writes catches up by snapshot; leader and term unchanged', async () => {
    const leader = await c().waitLeader();
    await load(leader);
    const before = await leadership(c());
    const writers = startWriters(c().endpoints(), { prefix: '/heavy-writers/', perEndpoint: 1, timeoutMs: 10_000 });
    let added: ClusterNode;
    try {
      added = (await c().addMember('n4')).node;
      await c().waitHealthy({ nodes: [added], timeoutMs: 120_000 });
      await waitFor('writes acknowledged after the join', () => (writers.acked.size >= 100 ? true : undefined), 60_000, 50);
    } finally {
      await writers.stop();
    }
    const rev = await putVia(leader, '/heavy-marker', 'joined');
    const hashes = await hashesAt(c().running, rev, 180_000, 120_000);
    for (const [name, h] of hashes) expect(h, `HashKV(${rev}) of ${name}`).toEqual(hashes.get(leader.name));
    expect(logMessages(added), `${added.name} installed a snapshot`).toContain('installed snapshot from the leader');
    expect(await leadership(c())).toEqual(before);
  }, 600_000);

  it('DeleteRange of every key, physical compaction, defrag of every member and a snapshot save: leader and term unchanged', async () => {
    const leader = await c().waitLeader();
    const before = await leadership(c());
    const client = leader.client(120_000);
    try {
      const del = await client.deleteRange(PREFIX, { prefix: true });
      expect(del.deleted).toBe(KEYS);
      const rev = del.header?.revision ?? 0;
      await client.compact(rev, true);
      for (const n of c().running) {
        const cl = n.client(120_000);
        try {
          await cl.defragment();
        } finally {
          cl.close();
        }
      }
      let bytes = 0;
      for await (const chunk of client.snapshot()) bytes += chunk.length;
      expect(bytes).toBeGreaterThan(32);
      expect((await client.range(PREFIX, { prefix: true, count_only: true })).count).toBe(0);
    } finally {
      client.close();
    }
    expect(await leadership(c())).toEqual(before);
  }, 600_000);
});
