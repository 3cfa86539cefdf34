// etcdctl lock and elect keep mutual exclusion across a leader change.
// lock: holder A runs a command under the lock that prints timestamps and
// sleeps; B waits for the same lock; the leader is killed (-9) while A holds
// it; B's command must start only after A's has finished. elect: A is
// leader, B campaigns; leadership moves to another member (move-leader)
// while A leads; B must not be elected until A resigns.
import { describe, expect, it } from 'vitest';
import type { ClusterNode } from '../../cluster/cluster-node.js';
import { useClusters } from '../support/cluster.js';
import { prereqs } from '../support/env.js';
import { sleep } from '../support/proc.js';

const pre = prereqs({ etcdctl: true });

/** The millisecond timestamp printed after `tag` (by `date +%s%3N`). */
function stamp(out: string, tag: string): number {
  const m = new RegExp(`${tag} (\\d+)`).exec(out);
  if (m === null) throw new Error(`no "${tag}" timestamp in ${JSON.stringify(out)}`);
  return Number(m[1]);
}

describe.skipIf(pre.skip)('lock and elect across a leader change (etcdctl)', () => {
  const fx = useClusters(pre);
  const c = fx.shared(3);

  it('lock: the second holder waits while the leader is killed and gets the lock only after the first released it', async () => {
    const ctl = fx.ctl(c().endpoints());
    const a = ctl.start(['lock', '/locks/x', '--', 'sh', '-c', 'echo A-acquired $(date +%s%3N); sleep 5; echo A-releasing $(date +%s%3N)']);
    await a.waitForStdout('A-acquired', 15_000);
    const b = ctl.start(['lock', '/locks/x', '--', 'sh', '-c', 'echo B-acquired $(date +%s%3N)']);
    await sleep(1000);
    expect(b.stdout, 'B acquired while A holds the lock').toBe('');

    const leader = await c().waitLeader();
    const killAt = Date.now();
    expect(await leader.kill('SIGKILL')).toBe(137);
    const next = await c().waitLeader({ not: leader, timeoutMs: 15_000 });
    expect(b.stdout, `B acquired after the leader change to ${next.name}, while A still holds the lock`).toBe('');

    const ra = await a.wait(30_000);
    expect(ra.code, ra.stderr).toBe(0);
    const rb = await b.wait(30_000);
    expect(rb.code, rb.stderr).toBe(0);
    const aAcquired = stamp(ra.stdout, 'A-acquired');
    const aReleasing = stamp(ra.stdout, 'A-releasing');
    const bAcquired = stamp(rb.stdout, 'B-acquired');
    console.log(`[lock] A held ${aAcquired}..${aReleasing}, leader ${leader.name} killed at ${killAt}, B acquired at ${bAcquired}`);
    expect(killAt).toBeGreaterThan(aAcquired);
    expect(killAt).toBeLessThan(aReleasing);
    expect(bAcquired, 'B acquired before A released').toBeGreaterThanOrEqual(aReleasing);

    await leader.restart();
    await c().waitHealthy();
  });

  it('elect: the second candidate is not elected across move-leader until the first resigns', async () => {
    const ctl = fx.ctl(c().endpoints());
    const a = ctl.start(['elect', '/elections/e', 'proposal-A']);
    await a.waitForStdout('proposal-A', 15_000);
    const b = ctl.start(['elect', '/elections/e', 'proposal-B']);
    await sleep(1000);
    expect(b.stdout, 'B elected while A leads').toBe('');

    const leader = await c().waitLeader();
    const target = c().running.find((n) => n !== leader) as ClusterNode;
    const mv = await ctl.run(['move-leader', (target.memberId as bigint).toString(16)]);
    expect(mv.code, mv.stderr).toBe(0);
    expect(await c().waitLeader()).toBe(target);
    await sleep(2000);
    expect(a.exited, `A exited: ${a.stderr}`).toBe(false);
    expect(b.stdout, `B elected after the leader moved to ${target.name}, while A still leads`).toBe('');

    // A resigns (etcdctl elect resigns on SIGINT); only then may B win.
    const resignAt = Date.now();
    const ra = await a.stop('SIGINT', 15_000);
    expect(ra.code, ra.stderr).toBe(0);
    const out = await b.waitForStdout('proposal-B', 15_000);
    const electedSeen = Date.now();
    expect(out).toMatch(/^\/elections\/e\/[0-9a-f]+\nproposal-B\n$/);
    expect(electedSeen).toBeGreaterThanOrEqual(resignAt);
    await b.stop('SIGINT', 15_000);
  });
});
