// raftkvctl watch against etcdctl 3.4's, both watching the same raftkv: live
// events in every format, --prev-kv, exec per event, --interactive, replay
// and the compacted-revision error; and on a three-member cluster, a watch
// that outlives the member it was connected to without losing or repeating
// events.
import { afterEach, describe, expect, it } from 'vitest';
import type { CtlProcess, CtlResult } from '../support/etcdctl.js';
import { useClusters } from '../support/cluster.js';
import { prereqs } from '../support/env.js';
import { sleep } from '../support/proc.js';
import { CtlPair, expectSame, raftkvctl } from '../support/raftkvctl.js';
import { useNode } from '../support/suite.js';

const pre = prereqs({ etcdctl: true });

/** Time for a freshly started watcher to register (both tools start in parallel). */
const SETTLE_MS = 2500;

const EXEC = ['--', 'sh', '-c', 'echo "$ETCD_WATCH_REVISION $ETCD_WATCH_EVENT_TYPE $ETCD_WATCH_KEY $ETCD_WATCH_VALUE"'];

describe.skipIf(pre.skip)('raftkvctl watch = etcdctl watch', () => {
  const f = useNode(pre);
  let pair: CtlPair | undefined;
  const p = (): CtlPair => (pair ??= new CtlPair(f.ctl));
  afterEach(() => pair?.killAll());

  const variants: string[][] = [
    ['--prefix', '/w/'],
    ['--prefix', '/w/', '--prev-kv'],
    ['/w/a'],
    ['/w/a', '/w/c'],
    ['--prefix', '/w/', '-w', 'json'],
    ['--prefix', '/w/', '--prev-kv', '-w', 'fields'],
    ['--prefix', '/w/', '-w', 'protobuf'],
    ['--prefix', '/w/', ...EXEC],
  ];

  it('live events, every variant (then SIGTERM)', async () => {
    const started: [string[], CtlProcess, CtlProcess][] = variants.map((v) => [
      v,
      p().etcdctl.start(['watch', ...v]),
      p().ours.start(['watch', ...v]),
    ]);
    const interactive = [p().etcdctl, p().ours].map((c) => c.start(['watch', '-i'], { keepStdin: true }));
    for (const i of interactive) i.writeStdin('watch --prefix /w/ --prev-kv\nbogus\nwatch\n');
    await sleep(SETTLE_MS);
    await f.ctl.run(['put', '/w/a', '1']);
    await f.ctl.run(['put', '/w/b', '2']);
    await f.ctl.run(['put', '/w/a', '3']);
    await f.ctl.run(['del', '/w/a']);
    await f.ctl.run(['del', '--prefix', '/w/']);
    // etcdctl's output is the reference: wait until raftkvctl has as much.
    await sleep(1500);
    for (const [, a, b] of started) await b.waitForStdout((s) => s.length >= a.stdout.length).catch(() => undefined);
    for (const [v, a, b] of started) {
      const [ra, rb] = await Promise.all([a.stop('SIGTERM'), b.stop('SIGTERM')]);
      expect(ra.stdout.length, `etcdctl watch ${v.join(' ')} saw events`).toBeGreaterThan(0);
      expectSame(ra, rb, { binary: v.includes('protobuf') });
    }
    for (const i of interactive) i.endStdin();
    const [ia, ib] = await Promise.all(interactive.map((i) => i.wait()));
    expectSame(ia as CtlResult, ib as CtlResult);
  });

  it('replay with --rev, every format', async () => {
    for (const w of ['simple', 'json', 'fields', 'protobuf']) {
      const a = p().etcdctl.start(['watch', '--prefix', '/w/', '--rev', '2', '--prev-kv', '-w', w]);
      const b = p().ours.start(['watch', '--prefix', '/w/', '--rev', '2', '--prev-kv', '-w', w]);
      await a.waitForStdout((s) => s.length > 0);
      await sleep(500);
      await b.waitForStdout((s) => s.length >= a.stdout.length);
      const [ra, rb] = await Promise.all([a.stop('SIGTERM'), b.stop('SIGTERM')]);
      expectSame(ra, rb, { binary: w === 'protobuf' });
    }
  });

  it('exec failures end the watch', async () => {
    for (const exec of [['--', 'false'], ['--', 'no-such-command-anywhere', 'x']]) {
      const [a, b] = await p().both(['watch', '--prefix', '/w/', '--rev', '2', ...exec], { timeoutMs: 15_000 });
      expectSame(a, b);
    }
  });

  it('a watch from a compacted revision is cancelled by the server', async () => {
    await f.ctl.run(['put', '/c/k', 'v1']);
    await f.ctl.run(['put', '/c/k', 'v2']);
    const rev = Number(/"revision":(\d+)/.exec((await f.ctl.run(['get', '/c/k', '-w', 'json'])).stdout)![1]);
    await f.ctl.run(['compaction', String(rev)]);
    for (const w of ['simple', 'json']) {
      const [a, b] = await p().both(['watch', '/c/k', `--rev=${rev - 1}`, '-w', w], { timeoutMs: 15_000 });
      expectSame(a, b, { norm: f.n });
    }
  });
});

describe.skipIf(pre.skip)('raftkvctl watch across a member failure', () => {
  const clusters = useClusters(pre);
  const cluster = clusters.shared(3);

  it('keeps every event exactly once when its member is killed', async () => {
    const c = cluster();
    // The watchers' member is a follower, so that writes through the leader keep going while it is down.
    const leader = await c.waitLeader();
    const follower = (await c.followers())[0]!;
    const eps = [follower.endpoint, ...c.endpoints().filter((e) => e !== follower.endpoint)];
    const ours = raftkvctl(eps[0]!);
    const w1 = ours.start(['watch', '--prefix', '/f/'], { endpoints: eps });
    const w2 = clusters.ctl(eps).start(['watch', '--prefix', '/f/']);
    await sleep(SETTLE_MS);
    const writer = clusters.ctl([leader.endpoint]);
    const put = async (i: number): Promise<void> => {
      expect((await writer.run(['put', `/f/k${i}`, `v${i}`])).code).toBe(0);
    };
    for (let i = 0; i < 4; i++) await put(i);
    await follower.kill('SIGKILL');
    for (let i = 4; i < 8; i++) await put(i);
    await follower.restart();
    for (let i = 8; i < 10; i++) await put(i);
    const all = Array.from({ length: 10 }, (_, i) => `PUT\n/f/k${i}\nv${i}\n`).join('');
    await Promise.all([w1, w2].map((w) => w.waitForStdout((s) => s.length >= all.length, 20_000).catch(() => undefined)));
    await sleep(500);
    const [r1, r2] = await Promise.all([w1.stop('SIGTERM'), w2.stop('SIGTERM')]);
    ours.killAll();
    expect(r1.stdout).toBe(all);
    expectSame(r2, r1);
  }, 120_000);

  it('move-leader (the same shared cluster): output and errors as etcdctl', async () => {
    const c = cluster();
    const hexIds = (s: string): string => s.replace(/[0-9a-f]{12,16}/g, '<ID>');
    for (const tool of ['etcdctl', 'raftkvctl'] as const) {
      const leader = await c.waitLeader();
      const target = (await c.followers())[0]!;
      const tc = target.client();
      const st = await tc.status().finally(() => tc.close());
      const id = (st.header?.member_id ?? 0n).toString(16);
      const runner = tool === 'etcdctl' ? clusters.ctl(c.endpoints()) : raftkvctl(leader.endpoint);
      const r = await runner.run(['move-leader', id], { endpoints: c.endpoints() });
      expect({ tool, code: r.code, stdout: hexIds(r.stdout) }).toEqual({ tool, code: 0, stdout: 'Leadership transferred from <ID> to <ID>\n' });
      await c.waitLeader({ not: leader });
    }
    const follower = (await c.followers())[0]!;
    const ours = raftkvctl(follower.endpoint);
    for (const args of [['move-leader', '1234'], ['move-leader', 'zz'], ['move-leader']]) {
      const [a, b] = [await clusters.ctl([follower.endpoint]).run(args), await ours.run(args)];
      expectSame(a, b);
    }
  }, 60_000);
});
