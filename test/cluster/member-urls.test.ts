// Peer URLs changing hands, as etcd 3.4 handles them:
// - `member update` re-points every member's peer connections when the entry applies, not just
//   the proposer's: with the proposer stopped, the other two still reach the updated member at
//   its new URL.
// - the peer URLs of a removed member can be added again (checked by hand against etcd 3.4.23:
//   `member remove` then `member add` with the same URLs answers "Member <new ID> added"); a
//   fresh member started on them joins and serves.
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterNode } from '../../cluster/cluster-node.js';
import { parseMemberAddEnv } from '../../cluster/node-flags.js';
import { SERVER_ENTRY } from '../../cluster/paths.js';
import { EtcdClient } from '../../src/client/index.js';
import { useClusters } from '../support/cluster.js';
import { putVia } from '../support/cluster-io.js';
import { prereqs } from '../support/env.js';
import { freePort } from '../support/ports.js';
import { cleanEnv, killTree, spawnTracked, waitFor } from '../support/proc.js';

const pre = prereqs({ etcdctl: true });

const hex = (n: ClusterNode): string => (n.memberId as bigint).toString(16);

describe.skipIf(pre.skip)('peer URLs changing hands', () => {
  const fx = useClusters(pre);
  const spawned: ChildProcess[] = [];
  afterEach(() => {
    for (const c of spawned.splice(0)) killTree(c);
  });

  function spawnMember(args: string[], env: Record<string, string>, logFile: string): void {
    const fd = openSync(logFile, 'a');
    spawned.push(spawnTracked(process.execPath, [SERVER_ENTRY, ...args], { env: cleanEnv(env), stdio: ['ignore', fd, fd] }));
    closeSync(fd);
  }

  /** Waits until a put through `endpoint` succeeds, then reads the key back linearizably through `reader`. */
  async function putAndRead(endpoint: string, reader: string, key: string): Promise<string | undefined> {
    await waitFor(
      `a put through ${endpoint}`,
      async () => {
        const c = new EtcdClient([endpoint], { timeoutMs: 3000 });
        try {
          await c.put(key, 'ok');
          return true;
        } finally {
          c.close();
        }
      },
      30_000,
      200,
    );
    return await waitFor(
      `a linearizable read through ${reader}`,
      async () => {
        const r = new EtcdClient([reader], { timeoutMs: 3000 });
        try {
          return (await r.range(key)).kvs[0]?.value.toString() ?? '(none)';
        } finally {
          r.close();
        }
      },
      30_000,
      200,
    );
  }

  it('member update: every member uses the new peer URL, not only the proposer', async () => {
    const cluster = await fx.start(3);
    const leader = await cluster.waitLeader();
    const [target, proposer] = cluster.nodes.filter((n) => n !== leader) as [ClusterNode, ClusterNode];
    const other = leader;
    const newUrl = `http://127.0.0.1:${await freePort()}`;

    const up = await fx.ctl(proposer.endpoint).run(['member', 'update', hex(target), `--peer-urls=${newUrl}`]);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(new RegExp(`Member\\s+${hex(target)} updated in cluster`));
    // Applied on the member that did not propose it.
    await waitFor(
      `${other.name} to list the new URL`,
      async () => {
        const r = await fx.ctl(other.endpoint).run(['member', 'list']);
        return r.stdout.includes(newUrl) ? true : undefined;
      },
      10_000,
    );

    // The target moves to its new URL; the proposer goes away.
    await target.kill('SIGKILL');
    const args = target.args.map((a) => (a === target.peerUrl ? newUrl : a));
    spawnMember(args, {}, path.join(cluster.baseDir, `${target.name}-moved.log`));
    await proposer.kill('SIGKILL');

    // Only the other member and the moved target remain: a quorum only if they reach each other.
    expect(await putAndRead(other.endpoint, target.endpoint, '/moved/1')).toBe('ok');
    expect(await putAndRead(target.endpoint, other.endpoint, '/moved/2')).toBe('ok');
  });

  it('the peer URLs of a removed member can be added again, and a fresh member on them joins', async () => {
    const cluster = await fx.start(3);
    await putVia(cluster.nodes[0] as ClusterNode, '/before', 'x');
    const leader = await cluster.waitLeader();
    const gone = cluster.nodes.find((n) => n !== leader) as ClusterNode;
    const stay = cluster.nodes.filter((n) => n !== gone);
    const ctl = fx.ctl(cluster.endpoints(stay));

    const rm = await ctl.run(['member', 'remove', hex(gone)]);
    expect(rm.code, rm.stderr).toBe(0);
    gone.removed = true;
    await gone.waitExit(15_000).catch(() => gone.kill('SIGKILL'));

    const add = await ctl.run(['member', 'add', `${gone.name}b`, `--peer-urls=${gone.peerUrl}`]);
    expect(add.code, add.stderr).toBe(0);
    const id = /Member\s+([0-9a-f]+)\s+added to cluster/.exec(add.stdout)?.[1];
    expect(id).toBeDefined();
    expect(id).not.toBe(hex(gone));

    const dataDir = `${gone.dataDir}-b`;
    spawnMember(
      ['--data-dir', dataDir, '--listen-client-urls', gone.clientUrl, '--advertise-client-urls', gone.clientUrl, '--listen-peer-urls', gone.peerUrl],
      parseMemberAddEnv(add.stdout),
      path.join(cluster.baseDir, `${gone.name}b.log`),
    );
    expect(await putAndRead(stay[0]?.endpoint as string, gone.endpoint, '/after')).toBe('ok');
    const r = new EtcdClient([gone.endpoint], { timeoutMs: 10_000 });
    try {
      expect((await r.range('/before')).kvs[0]?.value.toString()).toBe('x');
      const list = await r.memberList();
      expect(list.members.find((m) => m.ID.toString(16) === id)?.name).toBe(`${gone.name}b`);
    } finally {
      r.close();
    }
  });
});
