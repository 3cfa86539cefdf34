// Membership changes with the real etcdctl. `member add` + a node started
// with the ETCD_* lines it prints joins and serves every key; `member remove`
// of a follower and then of the leader (a new leader takes over, each removed
// process exits by itself). A learner added with --learner is promoted once
// in sync (promote is retried while etcd says it is not) and becomes a voter.
import { describe, expect, it } from 'vitest';
import type { ClusterNode } from '../../cluster/cluster-node.js';
import type { LocalCluster } from '../../cluster/local-cluster.js';
import { useClusters } from '../support/cluster.js';
import { putVia } from '../support/cluster-io.js';
import { prereqs } from '../support/env.js';
import type { Etcdctl } from '../support/etcdctl.js';
import { bigField, parseJsonBig } from '../support/json-big.js';
import { sleep, waitFor } from '../support/proc.js';

const pre = prereqs({ etcdctl: true });

interface MemberJson {
  ID: unknown;
  name?: string;
  peerURLs?: string[];
  clientURLs?: string[];
  isLearner?: boolean;
}

async function memberList(ctl: Etcdctl): Promise<MemberJson[]> {
  const r = await ctl.run(['member', 'list', '-w', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return (parseJsonBig(r.stdout) as { members: MemberJson[] }).members;
}

const hex = (n: ClusterNode): string => (n.memberId as bigint).toString(16);

async function writeKeys(cluster: LocalCluster, prefix: string, n: number): Promise<Map<string, string>> {
  const client = cluster.client();
  const want = new Map<string, string>();
  try {
    for (let i = 0; i < n; i++) {
      const key = `${prefix}${String(i).padStart(4, '0')}`;
      await client.put(key, `v${i}`);
      want.set(key, `v${i}`);
    }
  } finally {
    client.close();
  }
  return want;
}

/** `etcdctl get --prefix` through one endpoint, as key -> value. */
async function ctlGetPrefix(ctl: Etcdctl, prefix: string, serializable: boolean): Promise<Map<string, string>> {
  const r = await ctl.run(['get', prefix, '--prefix', '-w', 'json', ...(serializable ? ['--consistency=s'] : [])]);
  expect(r.code, r.stderr).toBe(0);
  const j = parseJsonBig(r.stdout) as { kvs?: { key: string; value: string }[] };
  return new Map((j.kvs ?? []).map((kv) => [Buffer.from(kv.key, 'base64').toString(), Buffer.from(kv.value, 'base64').toString()]));
}

describe.skipIf(pre.skip)('membership changes (etcdctl)', () => {
  const fx = useClusters();

  it('member add n4, member remove a follower, member remove the leader', async () => {
    pre.assert();
    const cluster = await fx.start(3);
    const want = await writeKeys(cluster, '/members/', 100);

    // add: etcdctl prints the environment the new member starts with.
    const added = await cluster.addMember('n4');
    const n4 = added.node;
    expect(added.env['ETCD_NAME']).toBe('n4');
    expect(added.env['ETCD_INITIAL_CLUSTER_STATE']).toBe('existing');
    expect(added.env['ETCD_INITIAL_ADVERTISE_PEER_URLS']).toBe(n4.peerUrl);
    expect(added.env['ETCD_INITIAL_CLUSTER']?.split(',').sort()).toEqual(cluster.nodes.map((n) => `${n.name}=${n.peerUrl}`).sort());
    await cluster.waitHealthy();
    expect((await n4.status()).header?.member_id).toBe(added.id);

    const ctl4 = fx.ctl(n4.endpoint);
    expect(await ctlGetPrefix(ctl4, '/members/', false)).toEqual(want);
    expect(await ctlGetPrefix(ctl4, '/members/', true)).toEqual(want);
    const afterAdd = await waitFor(
      'n4 listed as started (name and client URL known)',
      async () => {
        const l = await memberList(fx.ctl(cluster.endpoints()));
        return l.some((m) => m.name === 'n4' && m.clientURLs?.[0] === n4.clientUrl) ? l : undefined;
      },
      10_000,
    );
    expect(afterAdd.map((m) => m.name).sort()).toEqual(['n1', 'n2', 'n3', 'n4']);
    expect(afterAdd.every((m) => m.isLearner !== true)).toBe(true);

    // remove a follower: it leaves the list and its process exits by itself.
    const leader = await cluster.waitLeader();
    const follower = cluster.nodes.find((n) => n !== leader && n !== n4) as ClusterNode;
    const rmF = await fx.ctl(cluster.endpoints()).run(['member', 'remove', hex(follower)]);
    expect(rmF.code, rmF.stderr).toBe(0);
    expect(rmF.stdout).toMatch(new RegExp(`Member\\s+${hex(follower)} removed from cluster`));
    follower.removed = true;
    await follower.waitExit(15_000);
    const afterF = await memberList(fx.ctl(cluster.endpoints()));
    expect(afterF.map((m) => bigField(m.ID)).sort()).toEqual(cluster.members.map((n) => n.memberId as bigint).sort());
    await putVia(n4, '/members/after-follower-removal', 'ok');

    // remove the leader: another member leads, the old leader's process exits by itself.
    const oldLeader = await cluster.waitLeader();
    const rmL = await fx.ctl(cluster.endpoints()).run(['member', 'remove', hex(oldLeader)]);
    expect(rmL.code, rmL.stderr).toBe(0);
    oldLeader.removed = true;
    const newLeader = await cluster.waitLeader({ not: oldLeader, timeoutMs: 15_000 });
    expect(newLeader).not.toBe(oldLeader);
    await oldLeader.waitExit(15_000);
    const afterL = await memberList(fx.ctl(cluster.endpoints()));
    expect(afterL).toHaveLength(2);
    expect(afterL.map((m) => m.name).sort()).toEqual(cluster.members.map((n) => n.name).sort());
    await cluster.waitHealthy();
    for (const n of cluster.members) {
      await putVia(n, `/members/after-leader-removal/${n.name}`, 'ok');
      expect((await ctlGetPrefix(fx.ctl(n.endpoint), '/members/', false)).size).toBe(want.size + 1 + cluster.members.length);
    }
  });

  it('a learner is promoted once in sync and becomes a voter', async () => {
    pre.assert();
    const cluster = await fx.start(3);
    const want = await writeKeys(cluster, '/learner/', 300);
    const all = (): Etcdctl => fx.ctl(cluster.endpoints());

    const added = await cluster.addMember('n4', { learner: true });
    const n4 = added.node;
    const listed = (await memberList(all())).find((m) => bigField(m.ID) === added.id);
    expect(listed?.isLearner).toBe(true);
    expect((await n4.status()).isLearner).toBe(true);

    let attempts = 0;
    let promoted = '';
    const deadline = Date.now() + 30_000;
    for (;;) {
      attempts++;
      const r = await all().run(['member', 'promote', hex(n4)]);
      if (r.code === 0) {
        promoted = r.stdout;
        break;
      }
      // Only "not in sync yet" may be retried; anything else is a failure.
      expect(r.stderr, `member promote attempt ${attempts}`).toMatch(/can only promote a learner member which is in sync with leader/);
      if (Date.now() > deadline) throw new Error(`learner not promotable after ${attempts} attempts: ${r.stderr}`);
      await sleep(200);
    }
    console.log(`[learner] promoted after ${attempts} attempt(s)`);
    expect(promoted).toMatch(new RegExp(`Member\\s+${hex(n4)} promoted in cluster`));
    n4.learner = false;

    const after = await memberList(all());
    expect(after).toHaveLength(4);
    const me = after.find((m) => bigField(m.ID) === added.id);
    expect(me?.name).toBe('n4');
    expect(me?.isLearner ?? false).toBe(false);
    await waitFor('n4 Status: not a learner', async () => ((await n4.status()).isLearner ? undefined : true), 10_000);
    await cluster.waitHealthy();
    expect(await ctlGetPrefix(fx.ctl(n4.endpoint), '/learner/', false)).toEqual(want);
  });
});
