// The key browser's bound: a prefix with more than 10,000 keys is counted up to 10,000, in pages,
// and reported as truncated.
import { describe, expect, it } from 'vitest';
import type { Tree } from '../../src/api/console/tree.js';
import { EtcdClient } from '../../src/client/index.js';
import { getJson } from '../support/console-http.js';
import { prereqs } from '../support/env.js';
import { useNode } from '../support/suite.js';

const pre = prereqs({});
// Big transactions write the keys in a few requests.
const f = useNode(pre, { extraFlags: ['--max-txn-ops=2500'] });

describe('tree bound', () => {
  it('stops at 10,000 keys and says so', async () => {
    const client = new EtcdClient([f.node.endpoint], { timeoutMs: 30_000 });
    try {
      for (let batch = 0; batch < 5; batch++) {
        const success = Array.from({ length: 2500 }, (_, i) => ({
          request_put: { key: Buffer.from(`/big/${batch === 0 && i < 2 ? 'x' : 'k'}/${String(batch * 2500 + i).padStart(5, '0')}`), value: Buffer.from('v') },
        }));
        await client.txn({ success });
      }
      await client.put('/big/z', 'v');
    } finally {
      client.close();
    }
    const r = await getJson<Tree>(`${f.node.clientUrl}/ui/api/tree?prefix=${encodeURIComponent('/big/')}`);
    expect(r.status).toBe(200);
    expect(r.body.truncated).toBe(true);
    // The first 10,000 keys in key order are all under /big/k/: /big/x/ and /big/z are not reached.
    expect(r.body.children).toEqual([{ name: 'k/', prefix: '/big/k/', count: 10_000, isKey: false }]);
    const under = await getJson<Tree>(`${f.node.clientUrl}/ui/api/tree?prefix=${encodeURIComponent('/big/x/')}`);
    expect(under.body.truncated).toBe(false);
    expect(under.body.children.map((c) => c.name)).toEqual(['00000', '00001']);
  });
});
