// `raftkvctl defrag --data-dir`: etcdctl's offline defragmentation, on a raftkv member's data dir
// (its state database, member/state.db, is what etcd's member/snap/db is to etcd). With a real
// member: refused while it runs, then, stopped, defragmented in place with every key kept. Errors
// as etcdctl 3.4.23's (its backend path is member/snap/db, ours member/state.db).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Etcdctl, type CtlResult } from '../support/etcdctl.js';
import { prereqs } from '../support/env.js';
import { startNode, type NodeHandle } from '../support/node.js';
import { raftkvctl } from '../support/raftkvctl.js';

const pre = prereqs({ etcdctl: true });

/** etcdctl's panic output without its goroutine stacks (not reproduced), its time stamp and its backend's file name. */
function crash(r: CtlResult): { stderr: string; code: number } {
  const lines = r.stderr.split('\n').slice(0, 2).map((l) => l.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} /, '<TS> ').replaceAll('member/snap/db', 'member/<db>').replaceAll('member/state.db', 'member/<db>'));
  return { stderr: lines.join('\n'), code: r.code };
}

describe.skipIf(pre.skip)('raftkvctl defrag --data-dir', () => {
  let dir: string;
  let node: NodeHandle | undefined;

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'raftkv-defrag-'));
  });

  afterAll(async () => {
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a missing data dir, a directory or junk where the database should be: etcdctl crashes, so does raftkvctl', async () => {
    pre.assert();
    // No server involved: an endpoint nobody listens on.
    const theirs = new Etcdctl('127.0.0.1:1');
    const ours = raftkvctl('127.0.0.1:1');
    const cases: [string, string, (d: string, file: string) => void][] = [
      ['missing', 'no such file or directory', () => undefined],
      ['dir', 'is a directory', (d, file) => mkdirSync(path.join(d, 'member', file), { recursive: true })],
      ['junk', 'invalid database', (d, file) => {
        mkdirSync(path.join(d, 'member', path.dirname(file)), { recursive: true });
        writeFileSync(path.join(d, 'member', file), 'not a database\n');
      }],
    ];
    for (const [name, why, make] of cases) {
      const etcdDir = path.join(dir, `etcd-${name}`);
      const ourDir = path.join(dir, `raftkv-${name}`);
      make(etcdDir, 'snap/db');
      make(ourDir, 'state.db');
      const a = await theirs.run(['defrag', `--data-dir=${etcdDir}`], { endpoints: null });
      const b = await ours.run(['defrag', `--data-dir=${ourDir}`], { endpoints: null });
      expect(crash(b)).toEqual(crash({ ...a, stderr: a.stderr.replaceAll(etcdDir, ourDir) }));
      expect(b.stdout).toBe('');
      expect(b.code).toBe(2);
      const at = path.join(ourDir, 'member', 'state.db');
      const open = why === 'invalid database' ? why : `open ${at}: ${why}`;
      expect(b.stderr).toMatch(new RegExp(`^\\S+ \\S+ C \\| mvcc/backend: cannot open database at ${at} \\(${open}\\)\\npanic: cannot open database at ${at} \\(${open}\\)\\n$`));
    }
    // Nothing was made or changed.
    expect(readFileSync(path.join(dir, 'raftkv-junk', 'member', 'state.db'), 'utf8')).toBe('not a database\n');
    expect(() => statSync(path.join(dir, 'raftkv-missing'))).toThrow(/ENOENT/);
  });

  it('refused while the member runs; stopped, defragmented in place, and the restarted member has every key', async () => {
    pre.assert();
    node = await startNode({ target: 'raftkv' });
    const ctl = raftkvctl(node.endpoint);
    const value = 'x'.repeat(2000);
    const puts = Array.from({ length: 60 }, (_, i) => `put k${i} ${value}\n`).join('');
    expect((await ctl.run(['txn'], { stdin: `\n${puts}\n\n` })).code).toBe(0);
    // Free pages to reclaim: most keys deleted, their history compacted away.
    expect((await ctl.run(['del', '--prefix', 'k1'])).code).toBe(0);
    expect((await ctl.run(['put', 'last', 'v'])).code).toBe(0);
    const rev = JSON.parse((await ctl.run(['get', 'last', '-w', 'json'])).stdout) as { header: { revision: number } };
    expect((await ctl.run(['compaction', '--physical', String(rev.header.revision)])).code).toBe(0);
    const kept = (await ctl.run(['get', '--prefix', 'k', '--keys-only'])).stdout;

    const dbFile = path.join(node.dataDir, 'member', 'state.db');
    const running = await ctl.run(['defrag', `--data-dir=${node.dataDir}`], { endpoints: null });
    expect(running).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `Failed to defragment etcd data[${node.dataDir}] (${dbFile} is in use by a running member; to defragment a running member, omit --data-dir)\n`,
    });

    expect(await node.kill('SIGTERM')).toBe(0);
    const before = statSync(dbFile).size;
    const r = await ctl.run(['defrag', `--data-dir=${node.dataDir}`], { endpoints: null });
    // etcdctl prints nothing on success.
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(statSync(dbFile).size).toBeLessThanOrEqual(before);

    await node.restart();
    expect((await ctl.run(['get', '--prefix', 'k', '--keys-only'])).stdout).toBe(kept);
    expect((await ctl.run(['get', 'k5', '--print-value-only'])).stdout).toBe(`${value}\n`);
    expect((await ctl.run(['endpoint', 'health'])).code).toBe(0);
  }, 60_000);
});
