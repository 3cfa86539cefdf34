// raftkvctl elect against etcdctl 3.4's on the same raftkv: observers of both
// tools print the same leaders (in every format they support) while
// campaigners of both tools take turns; argument errors match.
import { afterEach, describe, it } from 'vitest';
import { prereqs } from '../support/env.js';
import { sleep } from '../support/proc.js';
import { CtlPair, expectSame } from '../support/raftkvctl.js';
import { useNode } from '../support/suite.js';

const pre = prereqs({ etcdctl: true });

describe.skipIf(pre.skip)('raftkvctl elect = etcdctl elect', () => {
  const f = useNode(pre);
  let pair: CtlPair | undefined;
  const p = (): CtlPair => (pair ??= new CtlPair(f.ctl));
  afterEach(() => pair?.killAll());

  it('observers see the same leaders, whichever tool campaigns', async () => {
    for (const w of ['simple', 'json']) {
      const name = `el-${w}`;
      const observers = [p().etcdctl, p().ours].map((c) => c.start(['elect', '-l', name, '-w', w]));
      await sleep(2000);
      for (const [c, proposal] of [
        [p().etcdctl, 'one'],
        [p().ours, 'two'],
      ] as const) {
        const leader = c.start(['elect', name, proposal]);
        await leader.waitForStdout(`${proposal}\n`);
        await sleep(300);
        await leader.stop('SIGTERM');
      }
      await sleep(1000);
      const [a, b] = await Promise.all(observers.map((o) => o.stop('SIGTERM')));
      expectSame(a!, b!);
    }
  });

  it('argument errors', async () => {
    for (const args of [['elect'], ['elect', 'x'], ['elect', '-l', 'x', 'p'], ['elect', 'a', 'b', 'c']]) {
      await p().expectSame(args);
    }
  });
});
