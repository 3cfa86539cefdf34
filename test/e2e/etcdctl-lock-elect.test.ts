// etcdctl 3.4 lock and elect: exec form with `--` (exit codes, ETCD_LOCK_*),
// two lock holders where the second waits for the first, a waiter cancelled by
// SIGTERM, two election candidates plus an observer (-l), and the argument
// errors. Reference: the "lock", "elect" and "lock / elect extras" sections of
// etcdctl-3.4-outputs.txt. Lock/election keys are <name>/<lease id in hex>; the
// IDs are taken from the holders' own output.
import { describe, expect, it } from 'vitest';
import { prereqs } from '../support/env.js';
import { expectOk, expectRun } from '../support/normalize.js';
import { sleep } from '../support/proc.js';
import { useNode } from '../support/suite.js';
import { LOCK_DASH_C_STDERR, LOCK_USAGE } from './etcdctl-usage.js';

const pre = prereqs({ etcdctl: true });

/** How long a blocked waiter is watched to make sure it stays blocked. */
const BLOCKED_MS = 1000;

function keysOf(stdout: string, name: string): string[] {
  return stdout.split('\n').filter((l) => l.startsWith(`${name}/`));
}

describe.skipIf(pre.skip)('etcdctl lock / elect', () => {
  const f = useNode(pre);
  const run = (...args: string[]) => f.ctl.run(args);

  describe('lock, exec form', () => {
    it("lock with exec command (with --): ETCD_LOCK_KEY and ETCD_LOCK_REV (rev 2 on a fresh node)", async () => {
      const res = await run(
        'lock',
        'mylock',
        '--',
        'sh',
        '-c',
        'echo ran with ETCD_LOCK_KEY=$ETCD_LOCK_KEY ETCD_LOCK_REV=$ETCD_LOCK_REV',
      );
      const m = /^ran with ETCD_LOCK_KEY=mylock\/([0-9a-f]+) ETCD_LOCK_REV=2\n$/.exec(res.stdout);
      expect(m, res.stdout).not.toBeNull();
      expectRun(res, { stdout: res.stdout, code: 0 });
    });

    it('lock with exec command that exits 3 (with --)', async () => {
      expectRun(await run('lock', 'mylock', '--', 'sh', '-c', 'echo inner; exit 3'), {
        stdout: 'inner\n',
        stderr: 'Error: exit status 3\n',
        code: 1,
      });
    });

    it('lock --ttl=5 with exec command', async () => {
      expectOk(await run('lock', '--ttl=5', 'mylock', '--', 'echo', 'hello'), 'hello\n');
    });

    it("lock with exec command WITHOUT '--' (sh's -c parsed as an etcdctl flag)", async () => {
      const expected = { stdout: LOCK_USAGE, stderr: LOCK_DASH_C_STDERR, code: 1 };
      expectRun(await run('lock', 'mylock', 'sh', '-c', 'echo ran with ETCD_LOCK_KEY=$ETCD_LOCK_KEY'), expected);
      expectRun(await run('lock', 'mylock', 'sh', '-c', 'exit 3'), expected);
    });

    it('lock no args (error, exit 128)', async () => {
      expectRun(await run('lock'), {
        stderr: 'Error: lock takes a lock name argument and an optional command to execute\n',
        code: 128,
      });
    });

    it('no lock keys are left behind', async () => {
      expectOk(await run('get', '--prefix', 'mylock', '--keys-only'), '');
    });
  });

  describe('two holders', () => {
    it('holder2 waits for holder1; a waiting exec-form lock is cancelled by SIGTERM', async () => {
      // holder1 acquires at once; holder2 blocks
      const holder1 = f.ctl.start(['lock', 'mylock']);
      const out1 = await holder1.waitForStdout('\n\n');
      expect(out1).toMatch(/^mylock\/[0-9a-f]+\n\n$/);
      const key1 = out1.slice(0, -2);
      const holder2 = f.ctl.start(['lock', 'mylock']);
      await sleep(BLOCKED_MS);
      expect({ stdout: holder2.stdout, exited: holder2.exited }).toEqual({ stdout: '', exited: false });

      // while both run: get --prefix mylock shows both ownership keys (empty values)
      const both = await run('get', '--prefix', 'mylock');
      const keys = keysOf(both.stdout, 'mylock');
      expect(keys).toHaveLength(2);
      expect(keys).toContain(key1);
      const key2 = keys.find((k) => k !== key1) ?? '';
      expect(key2).toMatch(/^mylock\/[0-9a-f]+$/);
      expectOk(both, `${keys[0]}\n\n${keys[1]}\n\n`);
      // each key names its holder's session lease
      const leases = (await run('lease', 'list')).stdout;
      for (const k of [key1, key2]) {
        const id = BigInt(`0x${k.slice('mylock/'.length)}`);
        expect(leases).toContain(id.toString(16).padStart(16, '0'));
      }

      // holder1 exits 0 on SIGTERM; holder2 then acquires
      expectRun(await holder1.stop('SIGTERM'), { stdout: `${key1}\n\n`, code: 0 });
      await holder2.waitForStdout('\n\n', 10_000);
      expect(holder2.stdout).toBe(`${key2}\n\n`);
      expectOk(await run('get', '--prefix', 'mylock', '--keys-only'), `${key2}\n\n`);

      // a 3rd client with an exec command blocks while holder2 holds the lock; SIGTERM -> "context canceled"
      const waiter = f.ctl.start(['lock', 'mylock', '--', 'sh', '-c', 'echo lock3 ran']);
      await sleep(BLOCKED_MS);
      expect({ stdout: waiter.stdout, exited: waiter.exited }).toEqual({ stdout: '', exited: false });
      expectRun(await waiter.stop('SIGTERM'), { stderr: 'Error: context canceled\n', code: 1 });
      expectOk(await run('get', '--prefix', 'mylock', '--keys-only'), `${key2}\n\n`);

      // holder2 exits 0 on SIGTERM and releases the lock
      expectRun(await holder2.stop('SIGTERM'), { stdout: `${key2}\n\n`, code: 0 });
      expectOk(await run('get', '--prefix', 'mylock', '--keys-only'), '');
    });

    it('lock holder killed by SIGINT exits 0 and releases the lock', async () => {
      const h = f.ctl.start(['lock', 'mylock']);
      const out = await h.waitForStdout('\n\n');
      expect(out).toMatch(/^mylock\/[0-9a-f]+\n\n$/);
      expectRun(await h.stop('SIGINT'), { stdout: out, code: 0 });
      expectOk(await run('get', '--prefix', 'mylock', '--keys-only'), '');
    });
  });

  describe('elect', () => {
    it('two candidates and an observer (-l): candB waits for candA', async () => {
      // observer (-l) waits for a leader; candA becomes leader; candB blocks
      const observer = f.ctl.start(['elect', '-l', 'myelection']);
      await sleep(300);
      expect(observer.stdout).toBe('');
      const candA = f.ctl.start(['elect', 'myelection', 'candA']);
      const outA = await candA.waitForStdout((s) => s.endsWith('\ncandA\n'));
      expect(outA).toMatch(/^myelection\/[0-9a-f]+\ncandA\n$/);
      const keyA = outA.split('\n')[0] ?? '';
      await observer.waitForStdout(`${keyA}\ncandA\n`);
      const candB = f.ctl.start(['elect', 'myelection', 'candB']);
      await sleep(BLOCKED_MS);
      expect({ stdout: candB.stdout, exited: candB.exited }).toEqual({ stdout: '', exited: false });

      // while both campaign: get --prefix myelection shows both proposals
      const both = await run('get', '--prefix', 'myelection');
      const keys = keysOf(both.stdout, 'myelection');
      expect(keys).toHaveLength(2);
      expect(keys).toContain(keyA);
      const keyB = keys.find((k) => k !== keyA) ?? '';
      expectOk(both, keys.map((k) => `${k}\n${k === keyA ? 'candA' : 'candB'}\n`).join(''));

      // candA exits 0 on SIGTERM; candB is elected; the observer saw both leaders
      expectRun(await candA.stop('SIGTERM'), { stdout: `${keyA}\ncandA\n`, code: 0 });
      await candB.waitForStdout((s) => s.endsWith('\ncandB\n'));
      expect(candB.stdout).toBe(`${keyB}\ncandB\n`);
      await observer.waitForStdout((s) => s.endsWith('\ncandB\n'));
      // the observer is stopped first (as in the reference): stopping candB first would leave it
      // mid-Get on the leader change, and SIGTERM would then log a "context canceled" warn line
      expectRun(await observer.stop('SIGTERM'), { stdout: `${keyA}\ncandA\n${keyB}\ncandB\n`, code: 0 });
      expectRun(await candB.stop('SIGTERM'), { stdout: `${keyB}\ncandB\n`, code: 0 });
      expectOk(await run('get', '--prefix', 'myelection', '--keys-only'), '');
    });

    it('elect -l with no leader: prints nothing until stopped', async () => {
      const o = f.ctl.start(['elect', '-l', 'noelection']);
      await sleep(BLOCKED_MS);
      expect(o.exited).toBe(false);
      expectRun(await o.stop('SIGTERM'), { code: 0 });
    });

    it('elect without proposal (error, exit 128)', async () => {
      expectRun(await run('elect', 'myelection'), { stderr: 'Error: no proposal argument but -l not set\n', code: 128 });
    });

    it('elect candidate killed by SIGINT exits 0', async () => {
      const c = f.ctl.start(['elect', 'myelection', 'candC']);
      const out = await c.waitForStdout((s) => s.endsWith('\ncandC\n'));
      expect(out).toMatch(/^myelection\/[0-9a-f]+\ncandC\n$/);
      expectRun(await c.stop('SIGINT'), { stdout: out, code: 0 });
    });
  });

  it('no leftover lock/election keys', async () => {
    expectOk(await run('get', '--prefix', 'my', '--keys-only'), '');
  });
});
