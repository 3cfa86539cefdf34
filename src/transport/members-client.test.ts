import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterMembership } from './handler.js';
import { fetchMembership } from './members-client.js';
import { PeerTransport } from './peer-transport.js';
import { CLUSTER, Recorder, deadUrl, silent, NO_SNAPSHOT_FILES } from '../../test/support/transport-kit.js';

const JOINER_URL = 'http://127.0.0.1:1';
const REMOVED_ID = 0x1111n;
const ADDED_ID = 0x2222n;
const running: PeerTransport[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((t) => t.stop()));
});

/** A member answering Members with `view`. */
async function member(id: bigint, view: ClusterMembership): Promise<string> {
  const t = new PeerTransport({
    memberId: id,
    clusterId: CLUSTER,
    listenUrls: ['http://127.0.0.1:0'],
    logger: silent,
    handler: Object.assign(new Recorder(), { membership: () => view }),
    files: NO_SNAPSHOT_FILES,
  });
  running.push(t);
  await t.run();
  return t.urls()[0]!;
}

const joinerAs = (id: bigint, name: string) => ({ id, name, peerUrls: [JOINER_URL], clientUrls: [], isLearner: false });

describe('fetchMembership', () => {
  it('trusts the most advanced answer: a member that restarted behind still lists the removed ID at the joiner URL', async () => {
    const stale = await member(7n, { clusterId: CLUSTER, appliedIndex: 100, members: [joinerAs(REMOVED_ID, 'n1')] });
    const current = await member(8n, { clusterId: CLUSTER, appliedIndex: 250, members: [joinerAs(ADDED_ID, '')] });
    const dead = await deadUrl();
    for (const urls of [[stale, dead, current], [current, stale, dead], [dead, stale, current]]) {
      const m = await fetchMembership(urls, 1000);
      expect(m.appliedIndex).toBe(250);
      expect(m.members.map((x) => x.id)).toEqual([ADDED_ID]);
      expect(m.clusterId).toBe(CLUSTER);
    }
  });

  it('fails with every peer named when none answers', async () => {
    const [a, b] = [await deadUrl(), await deadUrl()];
    await expect(fetchMembership([a, b], 1000)).rejects.toThrow(new RegExp(`could not get the cluster's membership from any peer \\(${a}: .*; ${b}: .*\\)`));
  });
});
