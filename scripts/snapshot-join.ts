// A new member joins, by snapshot, a 3-member cluster whose store holds at least --gib GiB
// (default 1), while the leader keeps leading. Prints the leader's and the new member's peak RSS
// during the join (sampled from /proc every 100 ms), the time the join took, and whether the
// leader or the raft term changed. Not part of the test suite: it needs minutes and GiBs.
//
//   npm run build && node dist/scripts/snapshot-join.js [--gib 1] [--dir /tmp/raftkv-join]
import { readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ClusterNode } from '../cluster/cluster-node.js';
import { LocalCluster } from '../cluster/local-cluster.js';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? dflt) : dflt;
};
const GIB = Number(arg('gib', '1'));
const DIR = arg('dir', '/tmp/raftkv-join');
const VALUE_BYTES = 1024;
const PER_TXN = 100;
const LOADERS = 8;

function rssKiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? 0 : Number(m[1]);
  } catch {
    return 0;
  }
}

/** Samples a process's RSS until stopped; returns the peak in MiB. */
function sampler(node: () => ClusterNode | undefined): { stop: () => number } {
  let peak = 0;
  const timer = setInterval(() => {
    const n = node();
    if (n !== undefined && n.running) peak = Math.max(peak, rssKiB(n.pid));
  }, 100);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.round(peak / 1024);
    },
  };
}

async function load(cluster: LocalCluster, keys: number): Promise<void> {
  const client = cluster.client(cluster.running, 60_000);
  const value = Buffer.alloc(VALUE_BYTES);
  let next = 0;
  let done = 0;
  const started = Date.now();
  try {
    await Promise.all(
      Array.from({ length: LOADERS }, async () => {
        for (let b = next++; b * PER_TXN < keys; b = next++) {
          const success = Array.from({ length: PER_TXN }, (_, i) => {
            const k = b * PER_TXN + i;
            value.writeUInt32BE(k, 0);
            return { request_put: { key: Buffer.from(`/join/${String(k).padStart(8, '0')}`), value: Buffer.from(value) } };
          });
          await client.txn({ success });
          done += PER_TXN;
          if (done % 100_000 === 0) console.log(`  loaded ${done} keys in ${((Date.now() - started) / 1000).toFixed(0)} s`);
        }
      }),
    );
  } finally {
    client.close();
  }
}

async function leadership(cluster: LocalCluster): Promise<string> {
  const st = await cluster.statuses();
  return [...st.values()].map((s) => `${s?.leader.toString(16)}@${s?.raftTerm}`).join(',');
}

async function main(): Promise<void> {
  rmSync(DIR, { recursive: true, force: true });
  const cluster = new LocalCluster({
    baseDir: DIR,
    extraFlags: ['--snapshot-count', '10000', '--quota-backend-bytes', String(8 * 1024 ** 3)],
  });
  try {
    await cluster.start(3);
    const leader = await cluster.waitLeader();
    const keys = Math.ceil((GIB * 1024 ** 3) / VALUE_BYTES);
    console.log(`loading ${keys} keys of ${VALUE_BYTES} B through ${leader.name}`);
    await load(cluster, keys);
    // More entries than the 5,000 kept for catch-up, so the new member needs a snapshot.
    const c = leader.client(10_000);
    for (let i = 0; i < 6000; i++) await c.put(`/join-tail/${i}`, 'x');
    c.close();
    const dbBytes = statSync(path.join(leader.dataDir, 'member', 'state.db')).size;
    const before = await leadership(cluster);
    console.log(`store: ${(dbBytes / 1024 ** 3).toFixed(2)} GiB on ${leader.name}; leader@term ${before}`);

    const leaderBefore = Math.round(rssKiB(leader.pid) / 1024);
    let joiner: ClusterNode | undefined;
    const leaderRss = sampler(() => leader);
    const joinerRss = sampler(() => joiner);
    const started = Date.now();
    const added = await cluster.addMember('n4', { start: false });
    joiner = added.node;
    await joiner.start();
    const target = (await leader.status()).raftIndex;
    for (;;) {
      const s = await joiner.status(5000).catch(() => undefined);
      if (s !== undefined && s.raftAppliedIndex >= target) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const joinMs = Date.now() - started;
    const sender = leaderRss.stop();
    const receiver = joinerRss.stop();
    const after = await leadership(cluster);
    const bySnapshot = joiner.logText().includes('installed snapshot from the leader');
    console.log(
      [
        `| store | join time | sender (leader) RSS before the join | sender peak RSS during it | receiver peak RSS | by snapshot | leader/term unchanged |`,
        `|---|---|---|---|---|---|---|`,
        `| ${(dbBytes / 1024 ** 3).toFixed(2)} GiB | ${(joinMs / 1000).toFixed(1)} s | ${leaderBefore} MiB | ${sender} MiB | ${receiver} MiB | ${bySnapshot} | ${before === after.split(',').slice(0, 3).join(',') ? 'yes' : `no: ${before} -> ${after}`} |`,
      ].join('\n'),
    );
  } finally {
    await cluster.stop();
    rmSync(DIR, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
