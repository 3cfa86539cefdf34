// Keep-alives sent to a follower: it forwards them to the leader and answers on the client's
// stream, TTL 0 for a lease that does not exist (or no longer does), as etcd 3.4 does. Checked by
// hand against a 3-member etcd 3.4.23: a keep-alive stream to a follower for lease 0x1234 answers
// {ID: 4660, TTL: 0} with the follower's member ID in the header.
import { describe, expect, it } from 'vitest';
import type { ClusterNode } from '../../cluster/cluster-node.js';
import { EtcdClient } from '../../src/client/index.js';
import * as rpc from '../../src/gen/etcdserverpb.js';
import { useClusters } from '../support/cluster.js';
import { prereqs } from '../support/env.js';

const pre = prereqs({});

/** One keep-alive stream; each send() resolves with the next answer. */
function keepAliveStream(endpoint: string) {
  const client = new EtcdClient([endpoint]);
  const stream = client.bidi(rpc.LeaseService.LeaseKeepAlive);
  const answers: rpc.LeaseKeepAliveResponse[] = [];
  const waiting: ((r: rpc.LeaseKeepAliveResponse) => void)[] = [];
  stream.on('data', (r: rpc.LeaseKeepAliveResponse) => {
    const w = waiting.shift();
    if (w !== undefined) w(r);
    else answers.push(r);
  });
  stream.on('error', () => undefined);
  return {
    send(ID: bigint, timeoutMs = 10_000): Promise<rpc.LeaseKeepAliveResponse> {
      stream.write({ ID });
      const ready = answers.shift();
      if (ready !== undefined) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer to the keep-alive of ${ID} within ${timeoutMs} ms`)), timeoutMs);
        waiting.push((r) => {
          clearTimeout(timer);
          resolve(r);
        });
      });
    },
    close(): void {
      stream.end();
      stream.cancel();
      client.close();
    },
  };
}

describe.skipIf(pre.skip)('lease keep-alive through a follower', () => {
  const fx = useClusters(pre);
  const cluster = fx.shared(3);

  it('answers TTL 0 for an unknown lease, the TTL for a live one, TTL 0 once revoked', async () => {
    const follower = (await cluster().followers())[0] as ClusterNode;
    const followerId = (await follower.status()).header?.member_id;
    const ka = keepAliveStream(follower.endpoint);
    const client = cluster().client();
    try {
      const unknown = await ka.send(0x1234n);
      expect({ ID: unknown.ID, TTL: unknown.TTL, member: unknown.header?.member_id }).toEqual({ ID: 0x1234n, TTL: 0, member: followerId });

      const lease = await client.leaseGrant(30);
      for (let i = 0; i < 3; i++) {
        const r = await ka.send(lease.ID);
        expect({ ID: r.ID, TTL: r.TTL }).toEqual({ ID: lease.ID, TTL: 30 });
      }
      await client.leaseRevoke(lease.ID);
      const gone = await ka.send(lease.ID);
      expect({ ID: gone.ID, TTL: gone.TTL }).toEqual({ ID: lease.ID, TTL: 0 });
    } finally {
      ka.close();
      client.close();
    }
  });
});
