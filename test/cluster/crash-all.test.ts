// kill -9 of every member at once while writers are being acknowledged, then
// a restart of all three on their data dirs: every acknowledged put must be
// on every member (each read linearizably through that member, and from its
// own store once it has caught up), and the members' HashKV must agree.
import { describe, expect, it } from 'vitest';
import { useClusters } from '../support/cluster.js';
import { hashesAt, lostWrites, putVia, readPrefix, startWriters, type Ack } from '../support/cluster-io.js';
import { prereqs } from '../support/env.js';
import { waitFor } from '../support/proc.js';

const pre = prereqs({});
const PREFIX = '/crash-all/';
const ROUNDS = 2;

describe.skipIf(pre.skip)('whole-cluster crash', () => {
  const fx = useClusters(pre);

  it(`kill -9 of all three during acknowledged writes, restart: every acknowledged write is there (${ROUNDS} rounds)`, async () => {
    const cluster = await fx.start(3);
    const acked = new Map<string, Ack>();
    for (let round = 0; round < ROUNDS; round++) {
      const writers = startWriters(cluster.endpoints(), { prefix: `${PREFIX}r${round}/`, perEndpoint: 3, timeoutMs: 3000 });
      let statuses: number[];
      try {
        await waitFor(`500 acknowledged puts (round ${round})`, () => (writers.acked.size >= 500 ? true : undefined), 30_000, 5);
        // All at once, with puts in flight on every member.
        statuses = await Promise.all(cluster.nodes.map((n) => n.kill('SIGKILL')));
      } finally {
        await writers.stop();
      }
      expect(statuses).toEqual([137, 137, 137]);
      for (const [k, a] of writers.acked) acked.set(k, a);
      console.log(`[crash-all] round ${round}: ${writers.acked.size} acknowledged of ${writers.attempts} attempted puts before the kill`);

      await Promise.all(cluster.nodes.map((n) => n.restart()));
      await cluster.waitHealthy();
      const leader = await cluster.waitLeader();
      const rev = await putVia(leader, '/crash-all-marker', `after-restart-${round}`);

      for (const n of cluster.nodes) {
        const lin = await readPrefix(n, PREFIX);
        expect(lostWrites(acked, lin), `acknowledged writes missing on ${n.name} (linearizable, round ${round})`).toEqual([]);
      }
      const hashes = await hashesAt(cluster.nodes, rev);
      const ref = hashes.get('n1');
      for (const [name, h] of hashes) expect(h, `HashKV(${rev}) of ${name} vs n1`).toEqual(ref);
      for (const n of cluster.nodes) {
        const local = await readPrefix(n, PREFIX, { serializable: true });
        expect(lostWrites(acked, local), `acknowledged writes missing in ${n.name}'s own store (round ${round})`).toEqual([]);
      }
    }
  });
});
