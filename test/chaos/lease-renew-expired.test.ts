// Regression test for a server bug the chaos runs found: a keep-alive that
// reaches the leader after the lease's deadline, while the revoke of the
// expired lease is being committed, renews it and answers TTL > 0; then the
// revoke applies and the attached key is deleted well inside the TTL the
// client was just promised. etcd's lessor.Renew waits for the pending
// revocation and answers "lease not found" instead. (Chaos seed 1001,
// nemesis membership,partition,kill, during a degraded network: a keep-alive
// @54092 ms answered TTL 2 s, the key was gone by 55728 ms.) Here every peer
// link is delayed 300 ms, so a revoke takes over half a second to commit.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EtcdClient, EtcdClientError } from '../../src/client/index.js';
import { testTarget } from '../support/env.js';
import { ChaosCluster } from './chaos-cluster.js';
import { Clock, sleep } from './clock.js';
import type { Link } from './proxy-mesh.js';
import { Rng } from './rng.js';

/** The lessor looks for expired leases every 500 ms. */
const CHECK_MS = 500;

describe.skipIf(testTarget() !== 'raftkv')('lease keep-alive after expiry', () => {
  it('does not renew a lease whose revoke is already in flight', async () => {
    const baseDir = mkdtempSync(path.join(os.tmpdir(), 'raftkv-lease-renew-'));
    const cluster = new ChaosCluster({ size: 3, baseDir, clock: new Clock(), rng: new Rng(1) });
    let c: EtcdClient | undefined;
    try {
      await cluster.start();
      const leader = await cluster.waitLeader();
      if (leader === undefined) throw new Error('no leader');
      const names = cluster.nodes.map((n) => n.name);
      const links: Link[] = names.flatMap((a) => names.filter((b) => b !== a).map((b) => [a, b] as const));
      cluster.proxies.set(links, { delayMs: 300 });
      c = new EtcdClient([leader.endpoint], { timeoutMs: 10_000 });
      const g = await c.leaseGrant(2);
      const deadline = Date.now() + g.TTL * 1000; // the leader applied the grant just before answering
      await c.put('/lease-renew/key', 'v', { lease: g.ID });
      // Past the deadline and a lessor check (the revoke is proposed), before it can commit.
      await sleep(deadline + CHECK_MS + 50 - Date.now());
      let renewedTtl = 0;
      const sent = Date.now();
      try {
        renewedTtl = (await c.leaseKeepAliveOnce(g.ID)).TTL;
      } catch (e) {
        if (!(e instanceof EtcdClientError) || !/lease not found/.test(e.details)) throw e;
      }
      if (renewedTtl > 0) {
        // Promised alive until sent + TTL: look half-way there.
        await sleep(sent + (renewedTtl * 1000) / 2 - Date.now());
        const r = await c.range('/lease-renew/key');
        expect(r.kvs.length, `a keep-alive at deadline+${sent - deadline} ms answered TTL ${renewedTtl} s, but the key is gone ${Date.now() - sent} ms later`).toBe(1);
      }
    } finally {
      c?.close();
      await cluster.destroy();
      rmSync(baseDir, { recursive: true, force: true });
    }
  }, 60_000);
});
