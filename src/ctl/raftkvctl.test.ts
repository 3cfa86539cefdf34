// raftkvctl end to end: a real raftkv daemon (from dist/, so build first) and
// the built CLI, checked against the outputs etcdctl 3.4 prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdClient } from '../client/etcd-client.js';
import { humanizeBytes } from './format/humanize.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const DAEMON = join(REPO, 'dist/src/bin/raftkv.js');
const CTL = join(REPO, 'dist/src/bin/raftkvctl.js');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

let tmp: string;
let daemon: ChildProcess | undefined;
let endpoint: string;
let peerUrl: string;
const running = new Set<ChildProcess>();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function startCtl(args: string[], input?: string): { child: ChildProcess; done: Promise<Run>; out: () => string } {
  const child = spawn(process.execPath, [CTL, `--endpoints=${endpoint}`, ...args], { cwd: REPO, stdio: 'pipe' });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  child.stdin!.end(input ?? '');
  const done = new Promise<Run>((resolve) =>
    child.once('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return { child, done, out: () => stdout };
}

function ctl(args: string[], input?: string): Promise<Run> {
  return startCtl(args, input).done;
}

/** A failed call is logged first as etcd's client logs it (a zap line with a time and a client ID). */
async function ctlFailedCall(args: string[], grpcCode: string): Promise<Run> {
  const r = await ctl(args);
  const [log, ...rest] = r.stderr.split('\n');
  const entry = JSON.parse(log ?? '') as { level: string; msg: string; error: string };
  expect({ level: entry.level, msg: entry.msg }).toEqual({ level: 'warn', msg: 'retrying of unary invoker failed' });
  expect(entry.error).toMatch(new RegExp(`^rpc error: code = ${grpcCode} desc = `));
  return { ...r, stderr: rest.join('\n') };
}

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function currentRevision(): Promise<number> {
  const r = await ctl(['get', 'no-such-key', '-w', 'json']);
  return (JSON.parse(r.stdout) as { header: { revision: number } }).header.revision;
}

beforeAll(async () => {
  if (!existsSync(DAEMON) || !existsSync(CTL)) throw new Error('dist/ is missing: run `npm run build` first');
  tmp = mkdtempSync(join(tmpdir(), 'raftkvctl-test-'));
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  endpoint = `127.0.0.1:${clientPort}`;
  const clientUrl = `http://${endpoint}`;
  peerUrl = `http://127.0.0.1:${peerPort}`;
  const log = createWriteStream(join(tmp, 'daemon.log'));
  daemon = spawn(
    process.execPath,
    [
      DAEMON,
      '--data-dir', join(tmp, 'data'),
      '--listen-client-urls', clientUrl,
      '--advertise-client-urls', clientUrl,
      '--listen-peer-urls', peerUrl,
      '--initial-advertise-peer-urls', peerUrl,
      '--initial-cluster', `default=${peerUrl}`,
    ],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  daemon.stdout!.pipe(log);
  daemon.stderr!.pipe(log);
  const probe = new EtcdClient([endpoint], { timeoutMs: 1000 });
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (daemon.exitCode !== null) throw new Error(`raftkv exited (${daemon.exitCode}): ${readFileSync(join(tmp, 'daemon.log'), 'utf8')}`);
      try {
        await probe.range('ready');
        break;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    probe.close();
  }
});

afterAll(async () => {
  for (const c of running) c.kill('SIGKILL');
  const d = daemon;
  if (d !== undefined && d.exitCode === null && d.signalCode === null) {
    const exited = new Promise<void>((r) => d.once('exit', () => r()));
    d.kill('SIGTERM');
    const timer = setTimeout(() => d.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
});

describe('raftkvctl put / get / del', () => {
  it('puts and gets like etcdctl', async () => {
    expect(await ctl(['put', 'foo', 'bar'])).toMatchObject({ code: 0, stdout: 'OK\n', stderr: '' });
    expect(await ctl(['put', 'foo', 'bar2', '--prev-kv'])).toMatchObject({ code: 0, stdout: 'OK\nfoo\nbar\n' });
    expect(await ctl(['get', 'foo'])).toMatchObject({ code: 0, stdout: 'foo\nbar2\n' });
    expect(await ctl(['get', 'no-such-key'])).toMatchObject({ code: 0, stdout: '' });
  });

  it('reads the value from stdin and accepts values after --', async () => {
    expect((await ctl(['put', '/app/b'], 'from-stdin')).stdout).toBe('OK\n');
    expect((await ctl(['put', '--', '/app/c', '-dashval'])).stdout).toBe('OK\n');
    expect((await ctl(['put', '/app/d', 'line1 x\nline2'])).stdout).toBe('OK\n');
    expect((await ctl(['get', '--prefix', '/app/'])).stdout).toBe('/app/b\nfrom-stdin\n/app/c\n-dashval\n/app/d\nline1 x\nline2\n');
    expect((await ctl(['get', '--prefix', '/app/', '--keys-only'])).stdout).toBe('/app/b\n\n/app/c\n\n/app/d\n\n');
    expect((await ctl(['get', '--prefix', '/app/', '--limit=1', '--print-value-only'])).stdout).toBe('from-stdin\n');
    expect((await ctl(['get', '/app/b', '/app/d'])).stdout).toBe('/app/b\nfrom-stdin\n/app/c\n-dashval\n');
    expect((await ctl(['get', '--prefix', '/app/', '--count-only'])).stdout).toBe('3\n');
  });

  it('prints JSON with 64-bit ids as numbers and bytes as base64', async () => {
    const r = await ctl(['get', 'foo', '-w', 'json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\{"header":\{"cluster_id":\d+,"member_id":\d+,"revision":\d+,"raft_term":\d+\},"kvs":\[\{"key":"Zm9v",/);
    expect(r.stdout).toContain('"value":"YmFyMg=="}],"count":1}\n');
  });

  it('reports errors with etcdctl exit codes', async () => {
    expect(await ctlFailedCall(['put', '', 'x'], 'InvalidArgument')).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'Error: etcdserver: key is not provided\n',
    });
    expect(await ctl(['put'])).toMatchObject({
      code: 128,
      stderr: 'Error: put command needs 1 argument and input from stdin or 2 arguments\n',
    });
    expect(await ctl(['get', 'foo', '-w', 'table'])).toMatchObject({ code: 4, stderr: 'Error: table not supported as output format\n' });
    // cobra's three lines, naming etcdctl as raftkvctl's help does.
    const unknown = 'Error: unknown command "frobnicate" for "etcdctl"\n';
    expect(await ctl(['frobnicate'])).toMatchObject({ code: 1, stdout: '', stderr: `${unknown}Run 'etcdctl --help' for usage.\n${unknown}` });
  });

  it('deletes', async () => {
    expect((await ctl(['del', '/app/b', '--prev-kv'])).stdout).toBe('1\n/app/b\nfrom-stdin\n');
    expect((await ctl(['del', '/app/b'])).stdout).toBe('0\n');
    expect((await ctl(['del', '--prefix', '/app/'])).stdout).toBe('2\n');
    expect(await ctl(['del'])).toMatchObject({ code: 128 });
  });
});

describe('raftkvctl lease', () => {
  it('grants, attaches, inspects, renews and revokes', async () => {
    const g = await ctl(['lease', 'grant', '60']);
    const m = /^lease ([0-9a-f]{16}) granted with TTL\(60s\)\n$/.exec(g.stdout);
    expect(m, g.stdout + g.stderr).not.toBeNull();
    const id = m![1]!;
    expect((await ctl(['put', `--lease=${id}`, '/lease/k1', 'v1'])).stdout).toBe('OK\n');
    expect((await ctl(['lease', 'timetolive', '--keys', id])).stdout).toMatch(
      new RegExp(`^lease ${id} granted with TTL\\(60s\\), remaining\\(\\d+s\\), attached keys\\(\\[/lease/k1\\]\\)\n$`),
    );
    expect((await ctl(['lease', 'list'])).stdout).toContain(`\n${id}\n`);
    expect((await ctl(['lease', 'keep-alive', '--once', id])).stdout).toBe(`lease ${id} keepalived with TTL(60)\n`);
    expect((await ctl(['lease', 'revoke', id])).stdout).toBe(`lease ${id} revoked\n`);
    expect((await ctl(['get', '--prefix', '/lease/'])).stdout).toBe('');
    expect((await ctl(['lease', 'timetolive', id])).stdout).toBe(`lease ${id} already expired\n`);
    expect(await ctlFailedCall(['lease', 'revoke', id], 'NotFound')).toMatchObject({
      code: 1,
      stderr: 'Error: failed to revoke lease (etcdserver: requested lease not found)\n',
    });
    expect(await ctl(['lease', 'keep-alive', '--once', id])).toMatchObject({
      code: 2,
      stderr: 'Error: etcdserver: requested lease not found\n',
    });
    expect(await ctl(['lease', 'grant', 'abc'])).toMatchObject({
      code: 128,
      stderr: 'Error: bad TTL (strconv.ParseInt: parsing "abc": invalid syntax)\n',
    });
  });
});

describe('raftkvctl watch', () => {
  it('prints events like etcdctl until terminated', async () => {
    const start = (await currentRevision()) + 1;
    // Replaying from a known revision makes the output independent of when the watch is set up.
    const w = startCtl(['watch', '--prefix', '/w/', `--rev=${start}`, '--prev-kv']);
    await ctl(['put', '/w/a', '1']);
    await ctl(['put', '/w/b', '2']);
    await ctl(['put', '/w/a', '3']);
    await ctl(['del', '/w/a']);
    const expected = 'PUT\n/w/a\n1\nPUT\n/w/b\n2\nPUT\n/w/a\n1\n/w/a\n3\nDELETE\n/w/a\n3\n/w/a\n\n';
    await waitFor(() => w.out().length >= expected.length, 10_000);
    w.child.kill('SIGTERM');
    const r = await w.done;
    expect(r.stdout).toBe(expected);
    expect(r.signal).toBe('SIGTERM');
  });

  it('stops with exit code 5 when the start revision is compacted', async () => {
    await ctl(['put', '/c/k', 'v1']);
    const rev = (await currentRevision()) - 1;
    await ctl(['put', '/c/k', 'v2']);
    const now = await currentRevision();
    expect(await ctl(['compaction', String(now)])).toMatchObject({ code: 0, stdout: `compacted revision ${now}\n` });
    expect(await ctlFailedCall(['get', '/c/k', `--rev=${rev}`], 'OutOfRange')).toMatchObject({
      code: 1,
      stderr: 'Error: etcdserver: mvcc: required revision has been compacted\n',
    });
    expect(await ctl(['watch', '/c/k', `--rev=${rev}`])).toMatchObject({
      code: 5,
      stderr: 'watch was canceled (etcdserver: mvcc: required revision has been compacted)\nError: watch is canceled by the server\n',
    });
  });
});

describe('raftkvctl cluster and maintenance', () => {
  it('member list', async () => {
    const r = await ctl(['member', 'list']);
    expect(r.stdout).toMatch(new RegExp(`^[0-9a-f]+, started, default, ${peerUrl}, http://${endpoint}, false\n$`));
    // The ID column's width follows the ID's hex length, which is 15 digits for about one ID in 16.
    expect((await ctl(['member', 'list', '-w', 'table'])).stdout.split('\n')[1]).toMatch(/^\| +ID +\| STATUS  \|  NAME   \|/);
  });

  it('endpoint status, health and hashkv', async () => {
    const s = await ctl(['endpoint', 'status']);
    expect(s.stdout).toMatch(new RegExp(`^${endpoint}, [0-9a-f]+, 3\\.4\\.23, \\d+(\\.\\d)? [kM]B, true, false, \\d+, \\d+, \\d+, \n$`));
    const t = await ctl(['endpoint', 'status', '-w', 'table']);
    expect(t.stdout.split('\n')[1]).toMatch(/^\| +ENDPOINT +\| +ID +\| VERSION \| DB SIZE \| IS LEADER \| IS LEARNER \|/);
    const j = JSON.parse((await ctl(['endpoint', 'status', '-w', 'json'])).stdout) as { Endpoint: string; Status: { version: string } }[];
    expect(j[0]).toMatchObject({ Endpoint: endpoint, Status: { version: '3.4.23' } });
    const h = await ctl(['endpoint', 'health']);
    expect(h).toMatchObject({ code: 0, stdout: '' });
    expect(h.stderr).toMatch(new RegExp(`^${endpoint} is healthy: successfully committed proposal: took = [\\d.]+(ms|µs|s)\n$`));
    expect((await ctl(['endpoint', 'hashkv'])).stdout).toMatch(new RegExp(`^${endpoint}, \\d+\n$`));
  });

  it('defrag and alarm', async () => {
    expect(await ctl(['defrag'])).toMatchObject({ code: 0, stdout: `Finished defragmenting etcd member[${endpoint}]\n` });
    expect(await ctl(['alarm', 'list'])).toMatchObject({ code: 0, stdout: '' });
  });
});

describe('raftkvctl snapshot', () => {
  it('saves a snapshot and reads its status; refuses a damaged copy', async () => {
    await ctl(['put', '/s/1', 'one']);
    await ctl(['put', '/s/2', 'two']);
    const rev = await currentRevision();
    const file = join(tmp, 'snap.db');
    expect(await ctl(['snapshot', 'save', file])).toMatchObject({ code: 0, stdout: `Snapshot saved at ${file}\n` });
    expect(readdirSync(tmp).filter((f) => f.endsWith('.part'))).toEqual([]);
    const size = statSync(file).size - 32;

    const st = await ctl(['snapshot', 'status', file, '-w', 'json']);
    const j = JSON.parse(st.stdout) as { hash: number; revision: number; totalKey: number; totalSize: number };
    expect(j).toMatchObject({ revision: rev, totalSize: size });
    expect(j.totalKey).toBeGreaterThan(0);
    expect((await ctl(['snapshot', 'status', file])).stdout).toBe(
      `${j.hash.toString(16)}, ${rev}, ${j.totalKey}, ${humanizeBytes(size)}\n`,
    );
    // The HASH column is as wide as the hash, which has 7 or 8 hex digits.
    const table = (await ctl(['snapshot', 'status', file, '-w', 'table'])).stdout;
    expect(table).toMatch(/^\| +HASH +\| REVISION \| TOTAL KEYS \| TOTAL SIZE \|$/m);
    expect(table).toMatch(new RegExp(`^\\| ${j.hash.toString(16)} \\| +${rev} \\|`, 'm'));

    const bad = join(tmp, 'bad.db');
    const bytes = readFileSync(file);
    writeFileSync(bad, bytes.subarray(0, bytes.length - 1000));
    const r = await ctl(['snapshot', 'status', bad]);
    expect(r.code).toBe(1);
    // Cut off its SHA-256, the file reads as a bare etcd database, shorter than its meta says.
    expect(r.stderr).toBe(`Error: snapshot file ${bad} is corrupt or truncated (database is truncated: ${bytes.length - 1000} bytes, the meta says ${size})\n`);
    const flipped = join(tmp, 'flipped.db');
    const copy = Buffer.from(bytes);
    copy[copy.length >> 1] ^= 1;
    writeFileSync(flipped, copy);
    expect((await ctl(['snapshot', 'status', flipped])).stderr).toBe(`Error: snapshot file ${flipped} is corrupt or truncated (SHA-256 mismatch)\n`);
    expect(await ctl(['snapshot', 'save'])).toMatchObject({ code: 128, stderr: 'Error: snapshot save expects one argument\n' });
  });
});
