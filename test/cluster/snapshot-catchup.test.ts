// A follower that falls far behind catches up by snapshot. With
// --snapshot-count 100 the leader compacts its log every 100 entries, keeping
// the server's 5000 catch-up entries; a follower stopped while 6000 puts are
// committed is then behind the leader's first log index, so the leader must
// send it a snapshot (its log says "sending snapshot"). Once restarted, the
// follower has every key and the same HashKV.
import { describe, expect, it } from 'vitest';
import type { ClusterNode } from '../../cluster/cluster-node.js';
import { useClusters } from '../support/cluster.js';
import { hashesAt, logLines, putVia, readPrefix } from '../support/cluster-io.js';
import { prereqs } from '../support/env.js';
import { waitFor } from '../support/proc.js';

const pre = prereqs({});
const PREFIX = '/snap/';
const KEYS = 6000;
const CONCURRENCY = 16;

interface LogLine {
  msg?: string;
  to?: string;
  index?: number;
}


describe.skipIf(pre.skip)('snapshot catch-up', () => {
  const fx = useClusters(pre);

  it(`a follower stopped during ${KEYS} writes catches up by snapshot`, async () => {
    const cluster = await fx.start(3, { extraFlags: ['--snapshot-count', '100'] });
    const leader = await cluster.waitLeader();
    const follower = cluster.nodes.find((n) => n !== leader) as ClusterNode;
    const followerHex = (follower.memberId as bigint).toString(16);
    await putVia(leader, `${PREFIX}before-stop`, 'x');
    expect(await follower.stop()).toBe(0);

    const started = Date.now();
    const client = leader.client(10_000);
    const expected = new Map<string, string>([[`${PREFIX}before-stop`, 'x']]);
    try {
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let i = next++; i < KEYS; i = next++) {
            const key = `${PREFIX}${String(i).padStart(5, '0')}`;
            await client.put(key, `v${i}`);
            expected.set(key, `v${i}`);
          }
        }),
      );
    } finally {
      client.close();
    }
    console.log(`[snapshot] ${KEYS} puts through ${leader.name} in ${Date.now() - started} ms while ${follower.name} was down`);
    expect(await cluster.leader()).toBe(leader);

    await follower.restart();
    await cluster.waitHealthy();
    const rev = await putVia(leader, '/snap-marker', 'after-restart');
    const hashes = await hashesAt(cluster.nodes, rev, 30_000);
    for (const [name, h] of hashes) expect(h, `HashKV(${rev}) of ${name} vs ${leader.name}`).toEqual(hashes.get(leader.name));

    const have = await readPrefix(follower, PREFIX, { serializable: true });
    expect(have.size).toBe(expected.size);
    const wrong = [...expected].filter(([k, v]) => have.get(k) !== v).map(([k]) => k);
    expect(wrong, `keys missing or wrong on ${follower.name}`).toEqual([]);

    // The catch-up really was a snapshot: the leader says it sent one to this follower...
    const sent = await waitFor(
      `"sending snapshot" to ${followerHex} in ${leader.name}'s log`,
      () => {
        const l = logLines<LogLine>(leader).filter((x) => x.msg === 'sending snapshot' && x.to === followerHex);
        return l.length > 0 ? l : undefined;
      },
      5000,
    );
    expect(sent.length).toBeGreaterThan(0);
    // ...and the follower installed one.
    expect(logLines<LogLine>(follower).some((x) => x.msg === 'installed snapshot from the leader')).toBe(true);
  });
});
