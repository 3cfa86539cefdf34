// etcd's snapshot file format both ways, against real etcd 3.4 and etcdctl 3.4:
//  - raftkv -> `etcdctl snapshot save` -> `etcdctl snapshot status` -> `etcdctl snapshot restore`
//    -> real etcd boots with the same keys, revisions, history, leases, users (with their passwords)
//    and roles, auth still enabled;
//  - real etcd -> `etcdctl snapshot save` -> `raftkvctl snapshot restore` -> raftkv serves the same,
//    and so does raftkv started on the data dir `etcdctl snapshot restore` makes.
// Both tools must report the same status for either file. Needs etcd and etcdctl: fails under
// CI=true when one is missing, skips elsewhere.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { etcdPath, isCI, prereqs, REPO_ROOT } from '../support/env.js';
import { Etcdctl, type CtlResult } from '../support/etcdctl.js';
import { startNode, type NodeHandle } from '../support/node.js';
import { cleanEnv } from '../support/proc.js';

const ctlPre = prereqs({ etcdctl: true });
const missing = [...ctlPre.missing, ...(etcdPath() === null ? ['etcd (Debian package etcd-server) is not on PATH'] : [])];
const skip = missing.length > 0 && !isCI;
const RAFTKVCTL = path.join(REPO_ROOT, 'dist', 'src', 'bin', 'raftkvctl.js');

function raftkvctl(args: string[]): Promise<CtlResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [RAFTKVCTL, ...args], { env: cleanEnv(), encoding: 'buffer' }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ stdout: stdout.toString(), stderr: stderr.toString(), code, signal: null, stdoutBytes: stdout });
    });
  });
}

function ok(r: CtlResult): string {
  expect(r.code, `exit ${r.code}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

/** The same history on either server: overwrites, a delete, a lease, a multi-put txn, a compaction, auth. */
async function populate(ctl: Etcdctl): Promise<{ leaseId: string }> {
  const run = async (...args: string[]) => ok(await ctl.run(args));
  await run('put', 'a', '1'); // 2
  await run('put', 'b', '2'); // 3
  await run('put', 'a', '3'); // 4
  await run('del', 'b'); // 5
  const leaseId = /lease ([0-9a-f]+) granted/.exec(await run('lease', 'grant', '600'))?.[1] ?? '';
  expect(leaseId).not.toBe('');
  await run('put', `--lease=${leaseId}`, 'c', 'leased'); // 6
  ok(await ctl.run(['txn'], { stdin: '\nput t1 x\nput t2 y\n\n\n' })); // 7, two sub-revisions
  for (let i = 0; i < 40; i++) await run('put', `k${String(i).padStart(2, '0')}`, `value-${i}`);
  await run('put', 'big', 'v'.repeat(10_000)); // a value on overflow pages
  await run('put', 'ключ', 'значение');
  await run('compact', '4');
  await run('del', 'k05');
  await run('put', 'a', '5');
  await run('user', 'add', 'root:rootpw');
  await run('role', 'add', 'r1');
  await run('role', 'grant-permission', 'r1', 'readwrite', 'k00', 'k99');
  await run('user', 'add', 'u1:u1pw');
  await run('user', 'grant-role', 'u1', 'r1');
  await run('user', 'grant-role', 'root', 'root');
  await run('auth', 'enable');
  return { leaseId };
}

/**
 * What must be identical on both servers: keys with their revisions, history, leases, auth. Read as
 * root and as u1 with their passwords: auth is on and the bcrypt hashes travelled.
 */
async function facts(ctl: Etcdctl): Promise<Record<string, string>> {
  const run = async (...args: string[]) => ok(await ctl.run([...args, '--user', 'root:rootpw']));
  const all = await run('get', '--prefix', '', '-w', 'json');
  const kvs = /"kvs":(\[.*\]),"count"/.exec(all)?.[1] ?? '';
  expect(kvs).not.toBe('');
  return {
    revision: /"revision":(\d+)/.exec(all)?.[1] ?? '',
    kvs,
    count: /"count":(\d+)/.exec(all)?.[1] ?? '',
    aAt4: await run('get', 'a', '--rev=4', '-w', 'json').then((s) => s.replace(/^.*"kvs":/, '')),
    k05Before: await run('get', 'k05', '--rev=10'),
    leases: await run('lease', 'list'),
    users: await run('user', 'list'),
    u1: await run('user', 'get', 'u1'),
    r1: await run('role', 'get', 'r1'),
    u1Reads: ok(await ctl.run(['get', 'k00', '--print-value-only', '--user', 'u1:u1pw'])),
  };
}

describe.skipIf(skip)('etcd snapshot files with real etcd 3.4', () => {
  const nodes: NodeHandle[] = [];
  const dirs: string[] = [];
  const ctls: Etcdctl[] = [];
  const tmp = (): string => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'raftkv-etcd-snap-'));
    dirs.push(d);
    return d;
  };
  const start = async (...args: Parameters<typeof startNode>): Promise<{ node: NodeHandle; ctl: Etcdctl }> => {
    const node = await startNode(...args);
    nodes.push(node);
    const ctl = new Etcdctl(node.endpoint);
    ctls.push(ctl);
    return { node, ctl };
  };
  afterEach(async () => {
    for (const c of ctls.splice(0)) c.killAll();
    for (const n of nodes.splice(0)) await n.stop();
  });
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('raftkv snapshot -> etcdctl snapshot status / restore -> etcd serves the same keys and revisions', async () => {
    if (missing.length > 0) throw new Error(`required tools missing under CI=true: ${missing.join('; ')}`);
    const src = await start({ target: 'raftkv' });
    const { leaseId } = await populate(src.ctl);
    const before = await facts(src.ctl);
    expect(before.leases).toContain(leaseId);

    const dir = tmp();
    const file = path.join(dir, 'snapshot.db');
    expect(ok(await src.ctl.run(['snapshot', 'save', file, '--user', 'root:rootpw']))).toContain(`Snapshot saved at ${file}`);
    const status = JSON.parse(ok(await src.ctl.run(['snapshot', 'status', file, '-w', 'json'], { endpoints: null }))) as Record<string, number>;
    expect(status['revision']).toBe(Number(before.revision));
    expect(status['totalSize']).toBe(statSync(file).size - 32);
    expect(status['totalKey']).toBeGreaterThan(45);
    // raftkvctl reads etcd files exactly as etcdctl does.
    expect(JSON.parse(ok(await raftkvctl(['snapshot', 'status', file, '-w', 'json'])))).toEqual(status);

    const dataDir = path.join(dir, 'etcd');
    ok(
      await src.ctl.run(
        ['snapshot', 'restore', file, `--data-dir=${dataDir}`, '--name=n1', '--initial-cluster=n1=http://127.0.0.1:31999', '--initial-advertise-peer-urls=http://127.0.0.1:31999'],
        { endpoints: null },
      ),
    );
    await src.node.stop();
    const dst = await start({ target: 'etcd', dataDir });
    expect(await facts(dst.ctl)).toEqual(before);
  });

  it('real etcd snapshot -> raftkvctl snapshot restore -> raftkv serves the same keys and revisions', async () => {
    if (missing.length > 0) throw new Error(`required tools missing under CI=true: ${missing.join('; ')}`);
    const src = await start({ target: 'etcd' });
    const { leaseId } = await populate(src.ctl);
    const before = await facts(src.ctl);
    expect(before.leases).toContain(leaseId);

    const dir = tmp();
    const file = path.join(dir, 'snapshot.db');
    ok(await src.ctl.run(['snapshot', 'save', file, '--user', 'root:rootpw']));
    const status = ok(await src.ctl.run(['snapshot', 'status', file, '-w', 'json'], { endpoints: null }));
    expect(JSON.parse(ok(await raftkvctl(['snapshot', 'status', file, '-w', 'json'])))).toEqual(JSON.parse(status));

    const dataDir = path.join(dir, 'raftkv');
    const restored = await raftkvctl(['snapshot', 'restore', file, `--data-dir=${dataDir}`, '--name=n1', '--initial-cluster=n1=http://127.0.0.1:31998', '--initial-advertise-peer-urls=http://127.0.0.1:31998']);
    ok(restored);
    await src.node.stop();
    const dst = await start({ target: 'raftkv', dataDir });
    expect(await facts(dst.ctl)).toEqual(before);
    await dst.node.stop();

    // The tutorial's way: etcd's own restore, then raftkv started on etcd's data dir imports it.
    const etcdDir = path.join(dir, 'etcd-restored');
    ok(await src.ctl.run(['snapshot', 'restore', file, `--data-dir=${etcdDir}`], { endpoints: null }));
    const adopted = await start({ target: 'raftkv', dataDir: etcdDir });
    expect(await facts(adopted.ctl)).toEqual(before);
  });
});
