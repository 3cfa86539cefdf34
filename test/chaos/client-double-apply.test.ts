// Regression test for a bug the chaos runs found in src/client (EtcdClient):
// a Put on a fresh client (channel not READY yet) that reaches the server and
// is applied, then loses its connection before the response arrives, is
// resent by EtcdClient to the next endpoint, because the retry rule takes
// "channel not READY when the call started" to mean "request never sent".
// One Put call is then applied twice (chaos seed 200, 5 nodes: a DeleteRange
// applied at revisions 10148 and 10180, caught by the linearizability
// checker). Here: a proxy that slows the first endpoint down, the put applied
// behind it, then the proxy resets the connection.
import { describe, expect, it } from 'vitest';
import { EtcdClient } from '../../src/client/index.js';
import { useClusters } from '../support/cluster.js';
import { prereqs } from '../support/env.js';
import { waitFor } from '../support/proc.js';
import { LinkProxy } from './proxy.js';

const pre = prereqs({});

describe.skipIf(pre.skip)('EtcdClient failover', () => {
  const fx = useClusters(pre);

  it('does not resend a Put that was delivered before the connection broke (one call, one revision)', async () => {
    const cluster = await fx.start(1);
    const node = cluster.nodes[0]!;
    const proxy = new LinkProxy('client->n1', { host: '127.0.0.1', port: node.clientPort });
    const port = await proxy.listen();
    const direct = node.client(5000);
    const client = new EtcdClient([`127.0.0.1:${port}`, node.endpoint], { timeoutMs: 5000 });
    try {
      proxy.set({ delayMs: 400 }); // the response will crawl back
      const call = client.put('/double-apply', 'once').then(
        (r) => `ok at revision ${r.header?.revision}`,
        (e: unknown) => `error ${e instanceof Error ? e.message : String(e)}`,
      );
      await waitFor('the put applied', async () => ((await direct.range('/double-apply')).kvs.length > 0 ? true : undefined), 10_000, 10);
      proxy.set({ mode: 'reset' }); // its response is lost: UNAVAILABLE (read ECONNRESET)
      const outcome = await call;
      const kv = (await direct.range('/double-apply')).kvs[0];
      expect(kv?.version, `one Put call changed the key ${kv?.version} times (the call returned: ${outcome})`).toBe(1);
    } finally {
      client.close();
      direct.close();
      await proxy.close();
    }
  });
});
