// check perf / check datascale: raftkvctl against etcdctl 3.4 on one node.
// The fast paths (bad --load, a prefix that has keys) must be byte for byte
// etcdctl's. datascale runs with both tools and their lines
// must match once the measured numbers are masked (about 20 s for both).
// With no endpoint reachable, etcdctl waits out its 60 s and raftkvctl
// fails at once with the same output. check perf runs 60 s by
// design, so the suite runs it once, with raftkvctl only: its lines must be
// the ones etcdctl's check.go prints (as recorded from etcdctl against
// raftkv: "PASS: Throughput is 149 writes/s", "Slowest request took too long:
// 0.742886s", "Stddev too high: 0.132876s", "FAIL").
// etcdctl draws its progress bar on stdout even when it is not a terminal
// ("\r 3 / 60    5.00% 00m57s..." then a newline); raftkvctl draws nothing
// there, so etcdctl's bar is cut out before comparing.
import { describe, expect, it } from 'vitest';
import { prereqs } from '../support/env.js';
import type { CtlResult } from '../support/etcdctl.js';
import { raftkvctl, zapNorm } from '../support/raftkvctl.js';
import { useNode } from '../support/suite.js';

const pre = prereqs({ etcdctl: true });

/** etcdctl's progress bar: "\r<frame>" repeated, then the newline that ends it. */
const withoutBar = (s: string): string => s.replace(/(\r[^\r\n]*)+\n/g, '');

/** The measured parts: revisions and megabytes. */
const maskNumbers = (s: string): string => s.replace(/revision \d+/g, 'revision <REV>').replace(/: -?\d+\.\d\d MB\./, ': <MB> MB.');

function view(r: CtlResult): { stdout: string; stderr: string; code: number } {
  return { stdout: r.stdout, stderr: r.stderr, code: r.code };
}

describe.skipIf(pre.skip)('raftkvctl check = etcdctl check', () => {
  const f = useNode(pre);
  const ours = () => raftkvctl(f.node.endpoint);

  async function expectSame(args: string[]): Promise<CtlResult> {
    const theirs = await f.ctl.run(args);
    const mine = await ours().run(args);
    expect(view(mine)).toEqual(view(theirs));
    return theirs;
  }

  async function keysUnder(prefix: string): Promise<string> {
    return (await f.ctl.run(['get', prefix, '--prefix', '--keys-only'])).stdout;
  }

  it('unknown --load: error, exit 4, before any connection', async () => {
    for (const cmd of ['perf', 'datascale']) {
      for (const load of ['x', 'S', 'xlarge']) {
        const r = await expectSame(['check', cmd, `--load=${load}`]);
        expect(r.stderr).toBe(`Error: unknown load option ${load}\n`);
        expect(r.code).toBe(4);
      }
    }
  });

  it('a prefix that has keys: refused, exit 3, the keys left alone', async () => {
    await f.ctl.run(['put', '/etcdctl-check-perf/x', '1']);
    await f.ctl.run(['put', '/etcdctl-check-datascale/x', '1']);
    await f.ctl.run(['put', '/mine/k', '1']);
    for (const args of [
      ['check', 'perf'],
      ['check', 'datascale'],
      ['check', 'perf', '--prefix', '/mine/'],
      ['check', 'datascale', '--prefix=/mine/', '--load=xLarge'],
    ]) {
      const r = await expectSame(args);
      expect(r.code).toBe(3);
    }
    expect((await f.ctl.run(['check', 'perf'])).stderr).toBe(
      'Error: prefix "/etcdctl-check-perf/" has keys. Delete with etcdctl del --prefix /etcdctl-check-perf/ first\n',
    );
    expect(await keysUnder('/mine/')).toBe('/mine/k\n\n');
    for (const p of ['/etcdctl-check-perf/', '/etcdctl-check-datascale/', '/mine/']) await f.ctl.run(['del', '--prefix', p]);
  });

  it('no endpoint reachable: perf ends with what etcdctl prints after its 60 s wait', async () => {
    // etcdctl 3.4.23, `--endpoints=127.0.0.1:42999 check perf` with nothing listening (recorded; it takes 60 s).
    const etcdctlStderr =
      '{"level":"warn","ts":"<TS>","caller":"clientv3/retry_interceptor.go:62","msg":"retrying of unary invoker failed",' +
      '"target":"endpoint://client-<UUID>/127.0.0.1:1","attempt":0,' +
      '"error":"rpc error: code = DeadlineExceeded desc = latest balancer error: all SubConns are in TransientFailure"}\n' +
      'Error: context deadline exceeded\n';
    const r = await raftkvctl('127.0.0.1:1').run(['check', 'perf']);
    expect({ stdout: r.stdout, stderr: zapNorm(r.stderr), code: r.code }).toEqual({ stdout: '', stderr: etcdctlStderr, code: 1 });
  });

  it('`check` alone prints the group help and exits 0', async () => {
    const r = await expectSame(['check']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\tdatascale\tCheck the memory usage of holding data for different workloads on a given server endpoint.\n');
  });

  it('datascale --load=s with --auto-compact --auto-defrag: the same lines as etcdctl, keys deleted', async () => {
    const args = ['check', 'datascale', '--load=s', '--auto-compact', '--auto-defrag'];
    const theirs = await f.ctl.run(args, { timeoutMs: 120_000 });
    const mine = await ours().run(args, { timeoutMs: 120_000 });
    const ep = JSON.stringify(f.node.endpoint);
    const want = [
      'Start data scale check for work load [10000 key-value pairs, 1024 bytes per key-value, 50 concurrent clients].',
      'Compacting with revision <REV>',
      'Compacted with revision <REV>',
      `Defragmenting ${ep}`,
      `Defragmented ${ep}`,
      'PASS: Approximate system memory used : <MB> MB.',
      '',
    ].join('\n');
    expect({ stdout: maskNumbers(withoutBar(theirs.stdout)), code: theirs.code }).toEqual({ stdout: want, code: 0 });
    // Not a terminal: no progress at all, the rest byte for byte.
    expect(mine.stdout).not.toContain('\r');
    expect({ ...view(mine), stdout: maskNumbers(mine.stdout) }).toEqual({ stdout: want, stderr: theirs.stderr, code: theirs.code });
    expect(await keysUnder('/etcdctl-check-datascale/')).toBe('');
  });

  it('perf --load=s (raftkvctl only, 60 s): etcdctl check.go lines, exit code to match, keys deleted', async () => {
    const r = await ours().run(['check', 'perf', '--load=s'], { timeoutMs: 150_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain('\r');
    const lines = r.stdout.split('\n');
    expect(lines.pop()).toBe('');
    const verdict = lines.pop();
    // No request may fail on a healthy node, so no "FAIL: too many errors" block either.
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^(PASS: Throughput is \d+ writes\/s|FAIL: Throughput too low: \d+ writes\/s)$/);
    expect(lines[1]).toMatch(/^(PASS: Slowest request took \d+\.\d{6}s|Slowest request took too long: \d+\.\d{6}s)$/);
    expect(lines[2]).toMatch(/^(PASS: Stddev is \d+\.\d{6}s|Stddev too high: \d+\.\d{6}s)$/);
    const passed = lines.every((l) => l.startsWith('PASS: '));
    expect({ verdict, code: r.code }).toEqual(passed ? { verdict: 'PASS', code: 0 } : { verdict: 'FAIL', code: 1 });
    expect(await keysUnder('/etcdctl-check-perf/')).toBe('');
  }, 180_000);
});
