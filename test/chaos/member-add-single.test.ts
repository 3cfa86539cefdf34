// Regression test for a server bug the chaos runs found: MemberAdd of a
// voting member on a one-member cluster is refused with "re-configuration
// failed due to not enough started members". etcd 3.4 accepts it
// (RaftCluster.IsReadyToAddVotingMember: "nstarted == 1 && nmembers == 2",
// the documented way to grow a restored single-member cluster), and raftkv's
// own test of a two-member cluster losing its leader leaves exactly such a
// cluster, which then cannot grow back (chaos seed 1001: after two member
// removals the survivor refused every re-add for 9 minutes).
import { describe, expect, it } from 'vitest';
import * as rpc from '../../src/gen/etcdserverpb.js';
import { useClusters } from '../support/cluster.js';
import { prereqs } from '../support/env.js';
import { freePort } from '../support/ports.js';

const pre = prereqs({});

describe.skipIf(pre.skip)('member add on a one-member cluster', () => {
  const fx = useClusters(pre);

  it('accepts a voting member, as etcd 3.4 does', async () => {
    const cluster = await fx.start(1);
    const c = cluster.client();
    try {
      const peer = `http://127.0.0.1:${await freePort()}`;
      const r = await c.unary(rpc.ClusterService.MemberAdd, { peerURLs: [peer], isLearner: false }, { timeoutMs: 5000 });
      expect(r.member?.peerURLs).toEqual([peer]);
      expect(r.members).toHaveLength(2);
    } finally {
      c.close();
    }
  });
});
