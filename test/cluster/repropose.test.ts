// A write sent to a follower just as the leader stops answering (SIGSTOP: its proposal reaches the
// leader's socket and is never read) is proposed again once a new leader is known, so the client
// gets its answer instead of etcd's "request timed out" after the 7 s request timeout. The write
// is applied once: version 1 on every member, even after the old leader comes back.
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterNode } from '../../cluster/cluster-node.js';
import { useClusters } from '../support/cluster.js';
import { prereqs } from '../support/env.js';
import { waitFor } from '../support/proc.js';

const pre = prereqs({});

describe.skipIf(pre.skip)('a write in flight when the leader stops', () => {
  const fx = useClusters(pre);
  const c = fx.shared(3);
  let stopped: ClusterNode | undefined;

  afterEach(() => {
    if (stopped !== undefined && stopped.running) process.kill(stopped.pid, 'SIGCONT');
    stopped = undefined;
  });

  it('is proposed again to the new leader and applied once', async () => {
    const leader = await c().waitLeader();
    const follower = (await c().followers())[0];
    if (follower === undefined) throw new Error('no follower');
    const client = follower.client(12_000);
    try {
      // A write that commits before the stop, so the follower surely knows the leader.
      await client.put('/repropose/warm', 'w');
      process.kill(leader.pid, 'SIGSTOP');
      stopped = leader;
      // The client's deadline is past the server's 7 s request timeout: a timeout would show.
      const put = await client.put('/repropose/k', 'v');
      expect(put.header?.revision).toBeGreaterThan(0);
      const next = await c().waitLeader({ not: leader });
      expect(next).not.toBe(leader);
    } finally {
      client.close();
    }
    process.kill(leader.pid, 'SIGCONT');
    stopped = undefined;

    for (const n of c().running) {
      const kv = await waitFor(
        `/repropose/k on ${n.name}`,
        async () => {
          const cl = n.client(3000);
          try {
            const r = await cl.range('/repropose/k', { serializable: true });
            return r.kvs[0];
          } catch {
            return undefined;
          } finally {
            cl.close();
          }
        },
        20_000,
        100,
      );
      expect(kv.version, `version of /repropose/k on ${n.name}`).toBe(1);
      expect(kv.mod_revision, `applied once on ${n.name}`).toBe(kv.create_revision);
    }
  });
});
