// A three-node cluster driven by the real etcdctl: a write through any member
// is visible on every member (linearizable at once, serializable once that
// member has applied it); move-leader hands leadership to a follower and
// `endpoint status` shows it; without a quorum `endpoint health` fails.
import { describe, expect, it } from 'vitest';
import type { ClusterNode } from '../../cluster/cluster-node.js';
import { useClusters } from '../support/cluster.js';
import { prereqs } from '../support/env.js';
import { bigField, parseJsonBig } from '../support/json-big.js';
import { sleep } from '../support/proc.js';

const pre = prereqs({ etcdctl: true });

interface GetJson {
  header: { revision?: unknown; member_id?: unknown };
  kvs?: { key: string; value: string }[];
}

function decodeGet(stdout: string): { revision: number; memberId: bigint; kvs: Map<string, string> } {
  const j = parseJsonBig(stdout) as GetJson;
  const kvs = new Map((j.kvs ?? []).map((kv) => [Buffer.from(kv.key, 'base64').toString(), Buffer.from(kv.value, 'base64').toString()]));
  return { revision: Number(j.header.revision ?? 0), memberId: bigField(j.header.member_id), kvs };
}

interface EndpointStatusJson {
  Endpoint: string;
  Status: { header: { member_id: unknown }; leader: unknown };
}

describe.skipIf(pre.skip)('replication across three members (etcdctl)', () => {
  const fx = useClusters(pre);
  const c = fx.shared(3);

  it('a write through any member is read by every member, linearizable and serializable', async () => {
    for (const writer of c().nodes) {
      const key = `/repl/via-${writer.name}`;
      const value = `written-through-${writer.name}`;
      const put = await fx.ctl(writer.endpoint).run(['put', key, value, '-w', 'json']);
      expect(put.code, put.stderr).toBe(0);
      const putRev = Number((parseJsonBig(put.stdout) as GetJson).header.revision);
      expect(putRev).toBeGreaterThan(0);

      for (const reader of c().nodes) {
        const ctl = fx.ctl(reader.endpoint);
        // Linearizable: must see an acknowledged write immediately, on any member.
        const lin = await ctl.run(['get', key, '-w', 'json']);
        expect(lin.code, lin.stderr).toBe(0);
        const l = decodeGet(lin.stdout);
        expect(l.memberId, `answered by ${reader.name}`).toBe(reader.memberId);
        expect(l.kvs.get(key), `linearizable read of ${key} on ${reader.name}`).toBe(value);

        // Serializable: local state; once this member's revision reaches the write, the value is there.
        let s = decodeGet((await ctl.run(['get', key, '--consistency=s', '-w', 'json'])).stdout);
        for (let i = 0; s.revision < putRev && i < 50; i++) {
          await sleep(100);
          s = decodeGet((await ctl.run(['get', key, '--consistency=s', '-w', 'json'])).stdout);
        }
        expect(s.revision, `${reader.name} applied revision ${putRev}`).toBeGreaterThanOrEqual(putRev);
        expect(s.kvs.get(key), `serializable read of ${key} on ${reader.name}`).toBe(value);
      }
    }
  });

  it('move-leader hands leadership to a follower; endpoint status shows it', async () => {
    const leader = await c().waitLeader();
    const target = c().nodes.find((n) => n !== leader) as ClusterNode;
    const targetHex = (target.memberId as bigint).toString(16);
    const all = fx.ctl(c().endpoints());

    const mv = await all.run(['move-leader', targetHex]);
    expect(mv.code, mv.stderr).toBe(0);
    expect(mv.stdout).toContain(`Leadership transferred from ${(leader.memberId as bigint).toString(16)} to ${targetHex}`);

    const status = async (): Promise<EndpointStatusJson[]> => {
      const r = await all.run(['endpoint', 'status', '-w', 'json']);
      expect(r.code, r.stderr).toBe(0);
      return parseJsonBig(r.stdout) as EndpointStatusJson[];
    };
    // The new leader knows at once; the others within a few heartbeats.
    const first = await status();
    const own = first.find((s) => s.Endpoint === target.endpoint);
    expect(own, JSON.stringify(first)).toBeDefined();
    expect(bigField(own?.Status.leader)).toBe(target.memberId);
    expect(bigField(own?.Status.header.member_id)).toBe(target.memberId);
    let st = first;
    for (let i = 0; i < 30 && !st.every((s) => bigField(s.Status.leader) === target.memberId); i++) {
      await sleep(100);
      st = await status();
    }
    expect(st).toHaveLength(3);
    for (const s of st) expect(bigField(s.Status.leader), `leader seen by ${s.Endpoint}`).toBe(target.memberId);
    expect(await c().waitLeader()).toBe(target);

    // And it serves writes as leader.
    const put = await fx.ctl(target.endpoint).run(['put', '/repl/after-move', 'x']);
    expect(put.code, put.stderr).toBe(0);
  });

  it('endpoint health fails (exit 1) on the survivor once two of three are killed', async () => {
    const healthy = await fx.ctl(c().endpoints()).run(['endpoint', 'health']);
    expect(healthy.code, healthy.stderr).toBe(0);
    expect(healthy.stderr.split('\n').filter((l) => l.includes('is healthy'))).toHaveLength(3);

    const [a, b, survivor] = c().nodes as [ClusterNode, ClusterNode, ClusterNode];
    expect(await a.kill('SIGKILL')).toBe(137);
    expect(await b.kill('SIGKILL')).toBe(137);

    const res = await fx.ctl(survivor.endpoint).run(['endpoint', 'health', '--command-timeout=2s']);
    expect(res.code, `stdout=${res.stdout} stderr=${res.stderr}`).toBe(1);
    expect(res.stdout + res.stderr).toContain(`${survivor.endpoint} is unhealthy`);
  });
});
