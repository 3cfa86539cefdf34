// etcdctl 3.4 watch: live watchers (simple, --prev-kv, -w json, single key,
// interactive -i) running in the background while a driver writes, replay
// with --rev, and a watch from a compacted revision. Reference: the "watch"
// and "compaction" sections of etcdctl-3.4-outputs.txt (there the events were
// revisions 25-29; here, on a fresh node, the same five writes are revisions 2-6).
import { describe, expect, it } from 'vitest';
import { prereqs } from '../support/env.js';
import type { CtlProcess, CtlResult } from '../support/etcdctl.js';
import { expectOk, expectRun } from '../support/normalize.js';
import { sleep } from '../support/proc.js';
import { useNode } from '../support/suite.js';

const pre = prereqs({ etcdctl: true });

/** How long a freshly started etcdctl watch gets to register its watcher. */
const WATCH_SETTLE_MS = 1000;

const PREFIX_EVENTS = 'PUT\n/w/a\n1\nPUT\n/w/b\n2\nPUT\n/w/a\n3\nDELETE\n/w/a\n\nDELETE\n/w/b\n\n';
const PREFIX_EVENTS_PREV_KV =
  'PUT\n/w/a\n1\nPUT\n/w/b\n2\nPUT\n/w/a\n1\n/w/a\n3\nDELETE\n/w/a\n3\n/w/a\n\nDELETE\n/w/b\n2\n/w/b\n\n';
const SINGLE_KEY_EVENTS = 'PUT\n/w/a\n1\nPUT\n/w/a\n3\nDELETE\n/w/a\n\n';

function jsonEvent(rev: number, events: string): string {
  return (
    `{"Header":{"cluster_id":<CLUSTER_ID>,"member_id":<MEMBER_ID>,"revision":${rev},"raft_term":<TERM>},` +
    `"Events":[${events}],"CompactRevision":0,"Canceled":false,"Created":false}\n`
  );
}

const JSON_EVENTS =
  jsonEvent(2, '{"kv":{"key":"L3cvYQ==","create_revision":2,"mod_revision":2,"version":1,"value":"MQ=="}}') +
  jsonEvent(3, '{"kv":{"key":"L3cvYg==","create_revision":3,"mod_revision":3,"version":1,"value":"Mg=="}}') +
  jsonEvent(4, '{"kv":{"key":"L3cvYQ==","create_revision":2,"mod_revision":4,"version":2,"value":"Mw=="}}') +
  jsonEvent(5, '{"type":1,"kv":{"key":"L3cvYQ==","mod_revision":5}}') +
  jsonEvent(6, '{"type":1,"kv":{"key":"L3cvYg==","mod_revision":6}}');

describe.skipIf(pre.skip)('etcdctl watch', () => {
  const f = useNode(pre);
  const run = (...args: string[]) => f.ctl.run(args);

  it('live watchers (started before the writes, stopped by SIGTERM; -i by stdin EOF)', async () => {
    const prefix = f.ctl.start(['watch', '--prefix', '/w/']);
    const prevKv = f.ctl.start(['watch', '--prefix', '/w/', '--prev-kv']);
    const json = f.ctl.start(['watch', '--prefix', '/w/', '-w', 'json']);
    const single = f.ctl.start(['watch', '/w/a']);
    const interactive = f.ctl.start(['watch', '-i'], { keepStdin: true });
    interactive.writeStdin('watch --prefix /w/\n');
    await sleep(WATCH_SETTLE_MS);
    for (const w of [prefix, prevKv, json, single, interactive]) {
      expect({ exited: w.exited, stdout: w.stdout, stderr: w.stderr }).toEqual({ exited: false, stdout: '', stderr: '' });
    }

    // the driver: revs 2-6
    expectOk(await run('put', '/w/a', '1'), 'OK\n');
    expectOk(await run('put', '/w/b', '2'), 'OK\n');
    expectOk(await run('put', '/w/a', '3'), 'OK\n');
    expectOk(await run('del', '/w/a'), '1\n');
    expectOk(await run('del', '--prefix', '/w/'), '1\n');

    // wait until each has seen everything it should (or time out), then stop them
    const settle = async (w: CtlProcess, done: (s: string) => boolean) => {
      await w.waitForStdout(done).catch(() => undefined);
    };
    const atLeast = (n: number) => (s: string) => s.length >= n;
    await Promise.all([
      settle(prefix, atLeast(PREFIX_EVENTS.length)),
      settle(prevKv, atLeast(PREFIX_EVENTS_PREV_KV.length)),
      settle(json, (s) => s.split('\n').length > 5),
      settle(single, atLeast(SINGLE_KEY_EVENTS.length)),
      settle(interactive, atLeast(PREFIX_EVENTS.length)),
    ]);
    await sleep(200); // nothing more may arrive
    interactive.endStdin();
    const [rPrefix, rPrevKv, rJson, rSingle] = await Promise.all([prefix, prevKv, json, single].map((w) => w.stop('SIGTERM')));
    const rInteractive = await interactive.wait();
    const view = (r: CtlResult) => ({ stdout: f.n(r.stdout), stderr: r.stderr, code: r.code });
    expect({
      'watch --prefix /w/': view(rPrefix as CtlResult),
      'watch --prefix /w/ --prev-kv': view(rPrevKv as CtlResult),
      'watch --prefix /w/ -w json': view(rJson as CtlResult),
      'watch /w/a': view(rSingle as CtlResult),
      "watch -i ('watch --prefix /w/', then EOF)": view(rInteractive),
    }).toEqual({
      'watch --prefix /w/': { stdout: PREFIX_EVENTS, stderr: '', code: 143 },
      'watch --prefix /w/ --prev-kv': { stdout: PREFIX_EVENTS_PREV_KV, stderr: '', code: 143 },
      'watch --prefix /w/ -w json': { stdout: JSON_EVENTS, stderr: '', code: 143 },
      'watch /w/a': { stdout: SINGLE_KEY_EVENTS, stderr: '', code: 143 },
      "watch -i ('watch --prefix /w/', then EOF)": {
        stdout: PREFIX_EVENTS,
        stderr: 'Error: Error reading watch request line: EOF\n',
        code: 3,
      },
    });
  });

  describe('historical replay', () => {
    it('watch --prefix /w/ --rev=2', async () => {
      const w = f.ctl.start(['watch', '--prefix', '/w/', '--rev=2']);
      await w.waitForStdout((s) => s.length >= PREFIX_EVENTS.length);
      await sleep(200); // nothing more may arrive
      expectRun(await w.stop('SIGTERM'), { stdout: PREFIX_EVENTS, code: 143 });
    });

    it('watch --prefix /w/ --rev=2 --prev-kv', async () => {
      const w = f.ctl.start(['watch', '--prefix', '/w/', '--rev=2', '--prev-kv']);
      await w.waitForStdout((s) => s.length >= PREFIX_EVENTS_PREV_KV.length);
      expectRun(await w.stop('SIGTERM'), { stdout: PREFIX_EVENTS_PREV_KV, code: 143 });
    });

    it('watch /w/b --rev=4 (only later events of one key)', async () => {
      const w = f.ctl.start(['watch', '/w/b', '--rev=4']);
      await w.waitForStdout((s) => s.length >= 'DELETE\n/w/b\n\n'.length);
      expectRun(await w.stop('SIGTERM'), { stdout: 'DELETE\n/w/b\n\n', code: 143 });
    });

    it('watch --rev replays history, then keeps delivering live events', async () => {
      const w = f.ctl.start(['watch', '/w/b', '--rev=3']);
      await w.waitForStdout('DELETE\n/w/b\n\n');
      expectOk(await run('put', '/w/b', 'live'), 'OK\n'); // rev 7
      await w.waitForStdout((s) => s.endsWith('PUT\n/w/b\nlive\n'));
      expectRun(await w.stop('SIGTERM'), { stdout: 'PUT\n/w/b\n2\nDELETE\n/w/b\n\nPUT\n/w/b\nlive\n', code: 143 });
    });
  });

  describe('compacted revision', () => {
    it('seed /c/k (revs 8, 9) and compact at 9', async () => {
      expectOk(await run('put', '/c/k', 'v1'), 'OK\n');
      expectOk(await run('put', '/c/k', 'v2'), 'OK\n');
      expectOk(await run('get', '/c/k', '--rev=8'), '/c/k\nv1\n');
      expectOk(await run('compaction', '9'), 'compacted revision 9\n');
    });

    it('watch from a compacted revision (error, exit 5)', async () => {
      expectRun(await f.ctl.run(['watch', '/c/k', '--rev=8'], { timeoutMs: 10_000 }), {
        stderr: 'watch was canceled (etcdserver: mvcc: required revision has been compacted)\nError: watch is canceled by the server\n',
        code: 5,
      });
    });

    it('watch from exactly the compaction revision still works', async () => {
      const w = f.ctl.start(['watch', '/c/k', '--rev=9']);
      await w.waitForStdout('PUT\n/c/k\nv2\n');
      expectRun(await w.stop('SIGTERM'), { stdout: 'PUT\n/c/k\nv2\n', code: 143 });
    });
  });
});
