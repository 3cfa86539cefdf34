// raftkvctl lock against etcdctl 3.4's on the same raftkv: the held key is
// printed the same way, a second locker waits for the first (either tool),
// and a command runs under the lock with ETCD_LOCK_KEY / ETCD_LOCK_REV.
import { afterEach, describe, expect, it } from 'vitest';
import { prereqs } from '../support/env.js';
import { sleep } from '../support/proc.js';
import { CtlPair, expectSame } from '../support/raftkvctl.js';
import { useNode } from '../support/suite.js';

const pre = prereqs({ etcdctl: true });

/** Lock keys end in the session's lease ID. */
const leaseNorm = (s: string): string => s.replace(/\/[0-9a-f]+$/gm, '/<LEASE>').replace(/\/[0-9a-f]+ \d+$/gm, '/<LEASE> <REV>');

describe.skipIf(pre.skip)('raftkvctl lock = etcdctl lock', () => {
  const f = useNode(pre);
  let pair: CtlPair | undefined;
  const p = (): CtlPair => (pair ??= new CtlPair(f.ctl));
  afterEach(() => pair?.killAll());

  it('holds until SIGTERM, printing the key it holds', async () => {
    for (const w of ['simple', 'json']) {
      const a = p().etcdctl.start(['lock', `held-${w}`, '-w', w]);
      const ra = await a.waitForStdout((s) => s.includes('\n')).then(() => a.stop('SIGTERM'));
      const b = p().ours.start(['lock', `held-${w}`, '-w', w]);
      const rb = await b.waitForStdout((s) => s.includes('\n')).then(() => b.stop('SIGTERM'));
      const norm = (s: string): string => f.n(leaseNorm(s)).replace(/"(revision|create_revision|mod_revision|lease)":\d+/g, '"$1":<N>').replace(/"key":"[^"]*"/, '"key":<K>');
      expectSame(ra, rb, { norm });
    }
  });

  it('a second locker waits for the first', async () => {
    for (const [first, second] of [
      [p().etcdctl, p().ours],
      [p().ours, p().etcdctl],
    ] as const) {
      const holder = first.start(['lock', 'contended']);
      await holder.waitForStdout('contended/');
      const waiter = second.start(['lock', 'contended']);
      await sleep(1500);
      expect(waiter.stdout).toBe('');
      await holder.stop('SIGTERM');
      await waiter.waitForStdout('contended/');
      await waiter.stop('SIGTERM');
    }
  });

  it('runs a command under the lock', async () => {
    const cmd = ['lock', 'cmd-lock', '--', 'sh', '-c', 'echo "$ETCD_LOCK_KEY $ETCD_LOCK_REV"'];
    const [a, b] = await p().both(cmd);
    expectSame(a, b, { norm: (s) => s.replace(/\/[0-9a-f]+ \d+$/gm, '/<LEASE> <REV>') });
    const [fa, fb] = await p().both(['lock', 'cmd-lock', 'false']);
    expectSame(fa, fb);
    const [na, nb] = await p().both(['lock']);
    expectSame(na, nb);
  });
});
