// `snapshot restore --skip-hash-check` and `--wal-dir`, as etcdctl 3.4.23 takes them: a database
// without the SHA-256 trailer (one copied out of a data dir) is refused unless --skip-hash-check is
// given, and an existing --wal-dir is refused. raftkv has no separate WAL: the restored member's
// Raft log is in its data dir, where a member started with any --wal-dir reads it.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Etcdctl, type CtlResult } from '../support/etcdctl.js';
import { prereqs } from '../support/env.js';
import { startNode, type NodeHandle } from '../support/node.js';
import { raftkvctl } from '../support/raftkvctl.js';

const pre = prereqs({ etcdctl: true });

/** etcdctl's zap log lines (which raftkvctl does not print) left out: the rest of stderr. */
function withoutLog(r: CtlResult): { stdout: string; stderr: string; code: number } {
  return { stdout: r.stdout, stderr: r.stderr.split('\n').filter((l) => !l.startsWith('{"level":')).join('\n'), code: r.code };
}

describe.skipIf(pre.skip)('raftkvctl snapshot restore --skip-hash-check / --wal-dir', () => {
  let dir: string;
  let hashed: string;
  let bare: string;
  let keys: string;
  const nodes: NodeHandle[] = [];
  // No server involved: an endpoint nobody listens on.
  const theirs = new Etcdctl('127.0.0.1:1');
  const ours = raftkvctl('127.0.0.1:1');
  const restore = (file: string, dataDir: string, ...flags: string[]): string[] => [
    'snapshot', 'restore', file, `--data-dir=${dataDir}`, '--name=n1', '--initial-cluster=n1=http://127.0.0.1:46999', '--initial-advertise-peer-urls=http://127.0.0.1:46999', ...flags,
  ];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'raftkv-restore-flags-'));
    if (pre.skip || pre.missing.length > 0) return;
    const src = await startNode({ target: 'raftkv' });
    nodes.push(src);
    const ctl = raftkvctl(src.endpoint);
    expect((await ctl.run(['txn'], { stdin: '\nput a 1\nput b 2\nput c 3\n\n\n' })).code).toBe(0);
    keys = (await ctl.run(['get', '--prefix', ''])).stdout;
    hashed = path.join(dir, 'snapshot.db');
    expect((await ctl.run(['snapshot', 'save', hashed])).code).toBe(0);
    // The same database without its trailer, as member/snap/db would be.
    const bytes = readFileSync(hashed);
    bare = path.join(dir, 'bare.db');
    writeFileSync(bare, bytes.subarray(0, bytes.length - 32));
    await src.stop();
  }, 60_000);

  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((n) => n.stop()));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** A member on the restored data dir serves the snapshot's keys. */
  async function serves(dataDir: string, extraFlags: string[] = []): Promise<void> {
    const n = await startNode({ target: 'raftkv', dataDir, extraFlags });
    nodes.push(n);
    expect((await raftkvctl(n.endpoint).run(['get', '--prefix', ''])).stdout).toBe(keys);
  }

  it('a database without the SHA-256: refused as etcdctl refuses it, restored with --skip-hash-check', async () => {
    pre.assert();
    const a = await theirs.run(restore(bare, path.join(dir, 'etcd-nohash')), { endpoints: null });
    const b = await ours.run(restore(bare, path.join(dir, 'ours-nohash')), { endpoints: null });
    expect(withoutLog(b)).toEqual(withoutLog(a));
    expect(b).toMatchObject({ code: 1, stdout: '', stderr: 'Error: snapshot missing hash but --skip-hash-check=false\n' });
    expect(existsSync(path.join(dir, 'ours-nohash'))).toBe(false);

    for (const [i, flag] of ['--skip-hash-check', '--skip-hash-check=true'].entries()) {
      const etcdDir = path.join(dir, `etcd-skip${i}`);
      const ourDir = path.join(dir, `ours-skip${i}`);
      const c = await theirs.run(restore(bare, etcdDir, flag), { endpoints: null });
      const d = await ours.run(restore(bare, ourDir, flag), { endpoints: null });
      expect(withoutLog(d)).toEqual(withoutLog(c));
      expect(d).toMatchObject({ code: 0, stdout: '', stderr: '' });
    }
    await serves(path.join(dir, 'ours-skip0'));
    // A file with its trailer restores with the flag too (etcdctl then cuts the hash off unchecked).
    expect((await ours.run(restore(hashed, path.join(dir, 'ours-hashed-skip'), '--skip-hash-check'), { endpoints: null })).code).toBe(0);
  }, 60_000);

  it('--wal-dir: an existing one refused as by etcdctl; otherwise the Raft log stays in the data dir', async () => {
    pre.assert();
    const walDir = path.join(dir, 'wal-exists');
    mkdirSync(walDir);
    const a = await theirs.run(restore(hashed, path.join(dir, 'etcd-wal1'), `--wal-dir=${walDir}`), { endpoints: null });
    const b = await ours.run(restore(hashed, path.join(dir, 'ours-wal1'), `--wal-dir=${walDir}`), { endpoints: null });
    expect(withoutLog(b)).toEqual(withoutLog(a));
    expect(b).toMatchObject({ code: 1, stderr: `Error: wal-dir "${walDir}" exists\n` });

    const dataDir = path.join(dir, 'ours-wal2');
    const newWal = path.join(dir, 'wal-new');
    const c = await ours.run(restore(hashed, dataDir, `--wal-dir=${newWal}`), { endpoints: null });
    expect(c).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(existsSync(path.join(dataDir, 'member', 'raft.db'))).toBe(true);
    expect(existsSync(newWal)).toBe(false);
    // The member's own --wal-dir is inert: it finds its log in the data dir.
    await serves(dataDir, [`--wal-dir=${newWal}`]);
  }, 60_000);
});
