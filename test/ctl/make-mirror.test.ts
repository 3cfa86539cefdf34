// make-mirror: etcdctl 3.4 and raftkvctl mirror the same source node into one
// destination node, each under its own prefix; what lands there must be the
// same (the base copy, then puts, deletes and multi-key transactions).
import { describe, expect, it } from 'vitest';
import { prereqs } from '../support/env.js';
import { raftkvctl, zapNorm } from '../support/raftkvctl.js';
import { useNode } from '../support/suite.js';

const pre = prereqs({ etcdctl: true });

describe.skipIf(pre.skip)('raftkvctl make-mirror = etcdctl make-mirror', () => {
  const src = useNode(pre);
  const dst = useNode(pre);

  /** The destination's keys under `prefix`, with `prefix` cut off, as "key=value" lines. */
  async function keysUnder(prefix: string): Promise<string[]> {
    const r = await dst.ctl.run(['get', prefix, '--prefix']);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    const out: string[] = [];
    for (let i = 0; i + 1 < lines.length; i += 2) out.push(`${lines[i]!.slice(prefix.length)}=${lines[i + 1]!}`);
    return out;
  }

  /** Polls until both prefixes hold `want`; after a generous while, fails showing what they hold. */
  async function settle(prefixes: string[], want: string[]): Promise<void> {
    let got: string[][] = [];
    for (let i = 0; i < 100; i++) {
      got = await Promise.all(prefixes.map(keysUnder));
      if (got.every((g) => JSON.stringify(g) === JSON.stringify(want))) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(got).toEqual(prefixes.map(() => want));
  }

  it('argument errors', async () => {
    for (const args of [['make-mirror'], ['make-mirror', 'a', 'b']]) {
      const a = await src.ctl.run(args);
      const b = await raftkvctl(src.node.endpoint).run(args);
      expect({ out: b.stdout, err: zapNorm(b.stderr), code: b.code }).toEqual({ out: a.stdout, err: zapNorm(a.stderr), code: a.code });
    }
  });

  it('--dest-prefix with --no-dest-prefix (either order, or --no-dest-prefix=true): refused, exit 128', async () => {
    for (const args of [
      ['make-mirror', '--dest-prefix', 'x', '--no-dest-prefix', dst.node.endpoint],
      ['make-mirror', '--no-dest-prefix', '--dest-prefix=x', dst.node.endpoint],
      ['make-mirror', '--no-dest-prefix=true', '--dest-prefix', 'x', dst.node.endpoint],
    ]) {
      const a = await src.ctl.run(args);
      const b = await raftkvctl(src.node.endpoint).run(args);
      expect({ args, out: b.stdout, err: zapNorm(b.stderr), code: b.code }).toEqual({ args, out: a.stdout, err: zapNorm(a.stderr), code: a.code });
      expect(a.code).toBe(128);
      expect(a.stderr).toBe('Error: `--dest-prefix` and `--no-dest-prefix` cannot be set at the same time, choose one\n');
    }
  });

  it('--prefix with --dest-prefix: base copy, then updates', async () => {
    for (const k of ['a', 'b', 'c']) await src.ctl.run(['put', `/src/${k}`, `v-${k}`]);
    await src.ctl.run(['put', '/elsewhere', 'x']);
    const theirs = src.ctl.start(['make-mirror', '--prefix', '/src/', '--dest-prefix', '/e/', dst.node.endpoint]);
    const ours = raftkvctl(src.node.endpoint).start(['make-mirror', '--prefix', '/src/', '--dest-prefix', '/r/', dst.node.endpoint]);
    try {
      await settle(['/e/', '/r/'], ['a=v-a', 'b=v-b', 'c=v-c']);
      await src.ctl.run(['put', '/src/d', 'v-d']);
      await src.ctl.run(['del', '/src/a']);
      await src.ctl.run(['txn'], { stdin: '\nput /src/t1 one\nput /src/t2 two\ndel /src/b\n\n\n' });
      await src.ctl.run(['put', '/elsewhere', 'y']);
      await settle(['/e/', '/r/'], ['c=v-c', 'd=v-d', 't1=one', 't2=two']);
      // Neither prints anything before its first 30 s report.
      expect(ours.stdout).toBe(theirs.stdout);
      expect(ours.exited).toBe(false);
    } catch (e) {
      console.error('etcdctl:', theirs.stdout, theirs.stderr, '\nraftkvctl:', ours.stdout, ours.stderr);
      throw e;
    } finally {
      theirs.kill();
      ours.kill();
    }
  });

  it('--no-dest-prefix mirrors to the root', async () => {
    await src.ctl.run(['put', '/ne/e-k', 'v1']);
    await src.ctl.run(['put', '/nr/r-k', 'v1']);
    const theirs = src.ctl.start(['make-mirror', '--prefix', '/ne/', '--no-dest-prefix', dst.node.endpoint]);
    const ours = raftkvctl(src.node.endpoint).start(['make-mirror', '--prefix', '/nr/', '--no-dest-prefix', dst.node.endpoint]);
    try {
      await settle(['e-', 'r-'], ['k=v1']);
      await src.ctl.run(['put', '/ne/e-k', 'v2']);
      await src.ctl.run(['put', '/nr/r-k', 'v2']);
      await settle(['e-', 'r-'], ['k=v2']);
    } finally {
      theirs.kill();
      ours.kill();
    }
  });
});

