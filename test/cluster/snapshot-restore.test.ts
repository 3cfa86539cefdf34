// etcdctl snapshot save from one member of a running cluster, then raftkvctl snapshot restore into
// three fresh data dirs: the new cluster boots with every key and revision of the snapshot, the
// same HashKV at the snapshot's revision, and new member and cluster IDs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalCluster } from '../../cluster/local-cluster.js';
import { useClusters } from '../support/cluster.js';
import { hashesAt, putVia, readPrefix } from '../support/cluster-io.js';
import { prereqs } from '../support/env.js';
import { freePort } from '../support/ports.js';

const pre = prereqs({ etcdctl: true });
const PREFIX = '/restore/';
const REPO = path.resolve(import.meta.dirname, '..', '..');

describe.skipIf(pre.skip)('snapshot save and restore into a new cluster', () => {
  const fx = useClusters(pre);

  it('the restored three-member cluster has the same keys, revision and HashKV, under new IDs', async () => {
    const source = await fx.start(3);
    const leader = await source.waitLeader();
    for (let i = 0; i < 50; i++) await putVia(leader, `${PREFIX}k${i}`, `v${i}`);
    const lastRev = await putVia(leader, `${PREFIX}k0`, 'overwritten');
    const expected = await readPrefix(leader, PREFIX);
    const sourceHash = (await hashesAt([leader], lastRev)).get(leader.name);
    const sourceIds = new Set((await leader.status()).header?.cluster_id.toString());

    const work = mkdtempSync(path.join(os.tmpdir(), 'raftkv-restore-'));
    const restored = new LocalCluster({
      baseDir: path.join(work, 'cluster'),
      token: 'restored-token',
      ports: async () => ({ client: await freePort(), peer: await freePort() }),
      logs: 'files',
    });
    try {
      const file = path.join(work, 'snap.db');
      const save = await fx.ctl(leader.endpoint).run(['snapshot', 'save', file]);
      expect(save.code).toBe(0);
      expect(save.stdout).toBe(`Snapshot saved at ${file}\n`);

      const nodes = await restored.prepare(3);
      const initialCluster = nodes.map((n) => `${n.name}=${n.peerUrl}`).join(',');
      for (const n of nodes) {
        execFileSync(process.execPath, [
          'dist/src/bin/raftkvctl.js', 'snapshot', 'restore', file,
          '--name', n.name, '--data-dir', n.dataDir, '--initial-cluster', initialCluster,
          '--initial-advertise-peer-urls', n.peerUrl, '--initial-cluster-token', 'restored-token',
        ], { cwd: REPO, stdio: 'pipe' });
      }
      await Promise.all(nodes.map((n) => n.start()));
      await restored.waitHealthy();
      const newLeader = await restored.waitLeader();

      for (const n of nodes) expect(await readPrefix(n, PREFIX, { serializable: false })).toEqual(expected);
      const hashes = await hashesAt(nodes, lastRev);
      for (const n of nodes) expect(hashes.get(n.name)?.hash).toBe(sourceHash?.hash);

      const status = await newLeader.status();
      expect(status.header?.revision).toBe(lastRev);
      expect(sourceIds.has(status.header?.cluster_id.toString() ?? '')).toBe(false);
      const members = (await newLeader.client().memberList()).members;
      expect(members.map((m) => m.name).sort()).toEqual(['n1', 'n2', 'n3']);
      const oldMembers = new Set((await leader.client().memberList()).members.map((m) => m.ID));
      for (const m of members) expect(oldMembers.has(m.ID)).toBe(false);

      // The restored cluster takes writes at the next revision.
      expect(await putVia(newLeader, `${PREFIX}after`, 'x')).toBe(lastRev + 1);
    } finally {
      await restored.killAll();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
