// Membership changes with the real etcdctl. `member add` + a node started
// with the ETCD_* lines it prints joins and serves every key; `member remove`
// of a follower and then of the leader (a new leader takes over, each removed
// process exits by itself). A learner added with --learner is promoted once
// in sync (promote is retried while etcd says it is not) and becomes a voter.
import { beforeAll, describe, expect, it } from 'vitest';
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
  // etcdctl omits "members" when the list is empty.
  return (parseJsonBig(r.stdout) as { members?: MemberJson[] }).members ?? [];
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
  const fx = useClusters(pre);

  // `member remove` goes to the members that stay: an operator does not ask
  // the member being removed to remove itself (it may stop before answering).
  describe('add, remove a follower, remove the leader', () => {
    let cluster: LocalCluster | undefined;
    let want = new Map<string, string>();
    const c = (): LocalCluster => {
      if (cluster === undefined) throw new Error('cluster not started: beforeAll failed');
      return cluster;
    };

    beforeAll(async () => {
      if (!fx.ready) return;
      cluster = await fx.start(3);
      want = await writeKeys(cluster, '/members/', 100);
    });

    it('member add n4: started with the printed ETCD_* env, it joins and serves every key', async () => {
      const added = await c().addMember('n4');
      const n4 = added.node;
      expect(added.env['ETCD_NAME']).toBe('n4');
      expect(added.env['ETCD_INITIAL_CLUSTER_STATE']).toBe('existing');
      expect(added.env['ETCD_INITIAL_ADVERTISE_PEER_URLS']).toBe(n4.peerUrl);
      expect(added.env['ETCD_INITIAL_CLUSTER']?.split(',').sort()).toEqual(c().nodes.map((n) => `${n.name}=${n.peerUrl}`).sort());
      await c().waitHealthy();
      expect((await n4.status()).header?.member_id).toBe(added.id);

      const ctl4 = fx.ctl(n4.endpoint);
      expect(await ctlGetPrefix(ctl4, '/members/', false)).toEqual(want);
      expect(await ctlGetPrefix(ctl4, '/members/', true)).toEqual(want);
      const list = await waitFor(
        'n4 listed as started (name and client URL known)',
        async () => {
          const l = await memberList(fx.ctl(c().endpoints()));
          return l.some((m) => m.name === 'n4' && m.clientURLs?.[0] === n4.clientUrl) ? l : undefined;
        },
        10_000,
      );
      expect(list.map((m) => m.name).sort()).toEqual(['n1', 'n2', 'n3', 'n4']);
      expect(list.every((m) => m.isLearner !== true)).toBe(true);
    });

    it('member remove of a follower: it leaves the list, writes go on, its process exits by itself', async () => {
      const leader = await c().waitLeader();
      const follower = c().members.find((n) => n !== leader && n.name !== 'n4') as ClusterNode;
      const stay = c().members.filter((n) => n !== follower);
      const rm = await fx.ctl(c().endpoints(stay)).run(['member', 'remove', hex(follower)]);
      expect(rm.code, rm.stderr).toBe(0);
      expect(rm.stdout).toMatch(new RegExp(`Member\\s+${hex(follower)} removed from cluster`));
      follower.removed = true;
      try {
        const list = await memberList(fx.ctl(c().endpoints()));
        expect(list.map((m) => bigField(m.ID)).sort()).toEqual(stay.map((n) => n.memberId as bigint).sort());
        for (const n of stay) await putVia(n, `/members/after-follower-removal/${n.name}`, 'ok');
        // etcd: the removed member learns it (by applying its removal, or from its peers) and stops.
        await follower.waitExit(10_000);
      } finally {
        if (follower.running) await follower.kill('SIGKILL'); // keep the next test independent of this one
      }
    });

    it('member remove of the leader: a new leader takes over, the removed process exits by itself', async () => {
      const oldLeader = await c().waitLeader();
      const stay = c().members.filter((n) => n !== oldLeader);
      const rm = await fx.ctl(c().endpoints(stay)).run(['member', 'remove', hex(oldLeader)]);
      expect(rm.code, rm.stderr).toBe(0);
      oldLeader.removed = true;
      try {
        const newLeader = await c().waitLeader({ not: oldLeader, timeoutMs: 15_000 });
        expect(stay).toContain(newLeader);
        await oldLeader.waitExit(10_000);
      } finally {
        if (oldLeader.running) await oldLeader.kill('SIGKILL');
      }
      const list = await memberList(fx.ctl(c().endpoints()));
      expect(list.map((m) => m.name).sort()).toEqual(stay.map((n) => n.name).sort());
      await c().waitHealthy();
      for (const n of stay) {
        await putVia(n, `/members/after-leader-removal/${n.name}`, 'ok');
        const have = await ctlGetPrefix(fx.ctl(n.endpoint), '/members/', false);
        for (const [k, v] of want) expect(have.get(k), `${k} on ${n.name}`).toBe(v);
      }
    });
  });

  it('member remove of the leader of a two-member cluster: the other member carries on alone', async () => {
    const cluster = await fx.start(2);
    const leader = await cluster.waitLeader();
    const other = cluster.nodes.find((n) => n !== leader) as ClusterNode;
    const rm = await fx.ctl(other.endpoint).run(['member', 'remove', hex(leader)]);
    expect(rm.code, `stdout=${rm.stdout} stderr=${rm.stderr}`).toBe(0);
    leader.removed = true;
    await leader.waitExit(10_000);
    expect(await cluster.waitLeader({ timeoutMs: 15_000 })).toBe(other);
    await putVia(other, '/two/after-leader-removal', 'ok');
    const list = await memberList(fx.ctl(other.endpoint));
    expect(list.map((m) => m.name)).toEqual([other.name]);
  });

  it('a learner is promoted once in sync and becomes a voter', async () => {
    const cluster = await fx.start(3);
    const want = await writeKeys(cluster, '/learner/', 300);
    // Membership as the founding members see it (a just-joined member's own view is the next test's subject).
    const founders = [...cluster.nodes];
    const all = (): Etcdctl => fx.ctl(cluster.endpoints(founders));

    const added = await cluster.addMember('n4', { learner: true });
    const n4 = added.node;
    const listed = (await memberList(all())).find((m) => bigField(m.ID) === added.id);
    expect(listed?.isLearner).toBe(true);
    // (etcd knows at once, from the member list it fetches when joining; raftkv only once it has
    // applied the membership, so this polls.)
    await waitFor('n4 Status: isLearner', async () => ((await n4.status()).isLearner ? true : undefined), 10_000);

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

  it('a member that has just joined knows the membership: member list and Status.isLearner', async () => {
    const cluster = await fx.start(1);
    const added = await cluster.addMember('n2', { learner: true });
    // Right after it starts, before it has caught up: etcd's joining member has the member list it
    // fetched from its peers, so it lists every member and knows it is a learner.
    const own = await memberList(fx.ctl(added.node.endpoint));
    expect(own.map((m) => bigField(m.ID)).sort()).toEqual([cluster.node('n1').memberId as bigint, added.id].sort());
    expect((await added.node.status()).isLearner).toBe(true);
  });
});
