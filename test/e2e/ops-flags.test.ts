// etcd 3.4's operator flags on a running member: the metrics listener and its probes, auto
// compaction, the watch progress interval, log outputs, inert flags, and hasleader watches on a
// member without a leader (compared with a real etcd 3.4).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { EtcdClient } from '../../src/client/index.js';
import * as rpc from '../../src/gen/etcdserverpb.js';
import { etcdPath, isCI, RAFTKV_ENTRY, REPO_ROOT, type Target } from '../support/env.js';
import { RawEtcdClient } from '../support/grpc.js';
import { startNode, type NodeHandle } from '../support/node.js';
import { freePort } from '../support/ports.js';
import { cleanEnv, exitStatus, killTree, spawnTracked, waitFor } from '../support/proc.js';
import { openWatch } from '../support/raw-watch.js';

const UNAVAILABLE = 14;

/** A serializable Range with the given metadata: its status code and details (0 and '' when OK). */
function unaryRange(endpoint: string, md: Record<string, string>): Promise<{ code: number; details: string }> {
  const client = new grpc.Client(endpoint, grpc.credentials.createInsecure());
  const meta = new grpc.Metadata();
  for (const [k, v] of Object.entries(md)) meta.set(k, v);
  const d = rpc.KVService.Range;
  return new Promise((resolve) => {
    client.makeUnaryRequest(d.path, d.requestSerialize, d.responseDeserialize, { key: Buffer.from('k'), serializable: true }, meta, { deadline: Date.now() + 5000 }, (err) => {
      client.close();
      resolve(err === null ? { code: 0, details: '' } : { code: err.code, details: err.details });
    });
  });
}
const etcdMissing = etcdPath() === null;

async function get(url: string): Promise<{ status: number; body: string }> {
  const r = await fetch(url);
  return { status: r.status, body: await r.text() };
}

/** Runs raftkv with `args` until it exits; its exit status and stderr. */
function runRaftkv(args: string[]): Promise<{ status: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [RAFTKV_ENTRY, ...args], { cwd: REPO_ROOT, env: cleanEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.once('exit', (code, signal) => resolve({ status: exitStatus(code, signal), stderr }));
  });
}

describe('a member with the operator flags', () => {
  let node: NodeHandle;
  let metricsPort: number;
  let logFile: string;
  const dirs: string[] = [];

  afterAll(async () => {
    await node?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('starts, serving the metrics listener and warning about each inert flag given', async () => {
    metricsPort = await freePort();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'raftkv-opsflags-'));
    dirs.push(dir);
    logFile = path.join(dir, 'member.log');
    node = await startNode({
      target: 'raftkv',
      extraFlags: [
        `--listen-metrics-urls=http://127.0.0.1:${metricsPort}`,
        '--auto-compaction-mode=periodic',
        '--auto-compaction-retention=2s',
        '--experimental-watch-progress-notify-interval=300ms',
        '--grpc-keepalive-interval=200ms',
        '--grpc-keepalive-timeout=5s',
        '--max-concurrent-streams=100',
        '--logger=zap',
        `--log-outputs=stderr,${logFile}`,
        '--pre-vote',
        '--enable-v2=false',
        '--experimental-compaction-batch-limit=500',
        '--enable-pprof',
      ],
    });
    for (const flag of ['--pre-vote', '--enable-v2', '--experimental-compaction-batch-limit']) {
      expect(node.logTail(200)).toContain(`"flag":"${flag}"`);
    }
    expect(node.logTail(200)).toContain('flag is accepted for etcd compatibility but has no effect');
  });

  it('--log-outputs: the log goes to the file as well as stderr', () => {
    const text = readFileSync(logFile, 'utf8');
    expect(text).toContain('ready to serve client requests');
    expect(node.logTail(200)).toContain('ready to serve client requests');
  });

  it('--listen-metrics-urls: /metrics and /health as etcd 3.4, /livez and /readyz as 3.5, nothing else', async () => {
    const base = `http://127.0.0.1:${metricsPort}`;
    const metrics = await get(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('etcd_server_has_leader 1');
    expect(await get(`${base}/health`)).toEqual({ status: 200, body: '{"health":"true"}' });
    expect(await get(`${base}/livez`)).toEqual({ status: 200, body: 'ok\n' });
    expect(await get(`${base}/readyz`)).toEqual({ status: 200, body: 'ok\n' });
    expect(await get(`${base}/readyz?verbose`)).toEqual({
      status: 200,
      body: '[+]data_corruption ok\n[+]serializable_read ok\n[+]linearizable_read ok\nok\n',
    });
    expect((await get(`${base}/version`)).status).toBe(404);
    expect((await get(`${base}/v3/kv/range`)).status).toBe(404);
  });

  it('the client port keeps etcd 3.4\'s endpoints: /health and /metrics, no /livez or /readyz', async () => {
    expect((await get(`${node.clientUrl}/health`)).status).toBe(200);
    expect((await get(`${node.clientUrl}/livez`)).status).toBe(404);
    expect((await get(`${node.clientUrl}/readyz`)).status).toBe(404);
  });

  it('--max-concurrent-streams and --grpc-keepalive-interval reach HTTP/2: the SETTINGS frame, and PINGs on an idle connection', async () => {
    const session = http2.connect(node.clientUrl);
    try {
      let pings = 0;
      session.on('ping', () => pings++);
      // The client port hands a connection to HTTP/2 at its first request (connection-probe.ts;
      // an idle one after 10 s), so ask something first: any answer will do.
      const req = session.request({ ':path': '/', ':method': 'GET' });
      req.on('error', () => undefined);
      req.resume();
      // The server's SETTINGS may come in two frames (nghttp2's defaults, then grpc-js's).
      await waitFor('SETTINGS_MAX_CONCURRENT_STREAMS 100', () => (session.remoteSettings.maxConcurrentStreams === 100 ? true : undefined), 5000);
      // etcd's default interval is 2 hours: a ping at all shows the flag took effect.
      await waitFor('a keepalive ping from the server', () => (pings > 0 ? true : undefined), 10_000);
    } finally {
      session.close();
    }
  });

  it('--enable-pprof: /debug/pprof/profile?seconds=N answers with a V8 CPU profile', async () => {
    const index = await get(`${node.clientUrl}/debug/pprof/`);
    expect(index.status).toBe(200);
    expect(index.body).toContain('profile');
    const r = await get(`${node.clientUrl}/debug/pprof/profile?seconds=1`);
    expect(r.status).toBe(200);
    const profile = JSON.parse(r.body) as { nodes: unknown[]; startTime: number; endTime: number };
    expect(profile.nodes.length).toBeGreaterThan(0);
    expect(profile.endTime).toBeGreaterThan(profile.startTime);
    expect((await get(`${node.clientUrl}/debug/pprof/heap`)).status).toBe(404);
  });

  it('--experimental-watch-progress-notify-interval: progress notifications come at the configured interval', async () => {
    const w = openWatch(node.endpoint);
    try {
      w.send({ create_request: { key: Buffer.from('progress'), progress_notify: true } });
      // A progress notification: no events, not the created response; etcd's default would take 10 minutes.
      await waitFor('a progress notification', () => (w.responses.some((r) => !r.created && r.events.length === 0) ? true : undefined), 10_000);
    } finally {
      w.close();
    }
  });

  it('--auto-compaction-retention=2s (periodic): the leader compacts the history older than the retention', async () => {
    const c = new RawEtcdClient(node.endpoint);
    try {
      const first = await c.put('compact-me', 'v1');
      await c.put('compact-me', 'v2');
      const compacted = await waitFor(
        'an auto compaction past the first put',
        async () => {
          await c.put('tick', 'x');
          const w = openWatch(node.endpoint);
          try {
            w.send({ create_request: { key: Buffer.from('compact-me'), start_revision: Number(first.revision) } });
            const r = await waitFor('the watch answer', () => w.responses.find((x) => x.canceled || x.events.length > 0), 5000);
            return r.canceled && r.compact_revision > Number(first.revision) ? r.compact_revision : undefined;
          } finally {
            w.close();
          }
        },
        20_000,
        250,
      );
      expect(compacted).toBeGreaterThan(Number(first.revision));
      expect(node.logTail(400)).toContain('completed auto compaction');
    } finally {
      c.close();
    }
  });
});

describe('flag errors, worded as etcd words them', () => {
  it.each([
    [['--auto-compaction-mode=foo', '--auto-compaction-retention=1'], 'unknown auto-compaction-mode "foo"'],
    [['--auto-compaction-retention=abc'], 'error parsing CompactionRetention: time: invalid duration "abc"'],
    [['--logger=foo'], "option '--logger <logger>' argument 'foo' is invalid"],
    [['--grpc-keepalive-interval=abc'], 'time: invalid duration "abc"'],
    [['--log-outputs=/nonexistent-dir/x.log'], 'open sink'],
  ])('%j', async (flags, text) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'raftkv-opsflags-bad-'));
    try {
      const r = await runRaftkv([`--data-dir=${dir}/d`, '--listen-client-urls=http://127.0.0.1:0', '--listen-peer-urls=http://127.0.0.1:0', ...flags]);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain(text);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

interface Trio {
  endpoints: string[];
  dir: string;
  /** Stops member i (SIGKILL unless told otherwise) and waits for it to exit. */
  kill: (i: number, signal?: NodeJS.Signals) => Promise<void>;
  /** Starts member i again on its data dir with `extra` flags; resolves with its exit status if it exits. */
  restart: (i: number, extra: string[]) => Promise<number>;
  log: (i: number) => string;
  stop: () => Promise<void>;
}

/** A three-member cluster of `target` on loopback, each started with `extra`. */
async function startTrio(target: Target, extra: string[] = []): Promise<Trio> {
  const ports: { client: number; peer: number }[] = [];
  for (let i = 0; i < 3; i++) ports.push({ client: await freePort(), peer: await freePort() });
  const dir = mkdtempSync(path.join(os.tmpdir(), `raftkv-trio-${target}-`));
  const initial = ports.map((p, i) => `m${i}=http://127.0.0.1:${p.peer}`).join(',');
  const children: (ChildProcess | undefined)[] = [];
  const logOf = (i: number): string => path.join(dir, `m${i}.log`);
  const launch = (i: number, flags: string[]): Promise<number> => {
    const p = ports[i]!;
    const args = [
      `--name=m${i}`,
      `--data-dir=${dir}/m${i}`,
      `--listen-client-urls=http://127.0.0.1:${p.client}`,
      `--advertise-client-urls=http://127.0.0.1:${p.client}`,
      `--listen-peer-urls=http://127.0.0.1:${p.peer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${p.peer}`,
      `--initial-cluster=${initial}`,
      ...flags,
    ];
    const fd = openSync(logOf(i), 'a');
    const child =
      target === 'etcd'
        ? spawnTracked(etcdPath() ?? 'etcd', args, { env: cleanEnv(), stdio: ['ignore', fd, fd] })
        : spawnTracked(process.execPath, [RAFTKV_ENTRY, ...args], { cwd: REPO_ROOT, env: cleanEnv(), stdio: ['ignore', fd, fd] });
    closeSync(fd);
    children[i] = child;
    return new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        if (children[i] === child) children[i] = undefined;
        resolve(exitStatus(code, signal));
      }),
    );
  };
  for (let i = 0; i < 3; i++) void launch(i, extra);
  const kill = async (i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    const child = children[i];
    if (child === undefined) return;
    const exited = new Promise((r) => child.once('exit', r));
    if (signal === 'SIGKILL') killTree(child);
    else child.kill(signal);
    await exited;
  };
  const endpoints = ports.map((p) => `127.0.0.1:${p.client}`);
  const raw = new RawEtcdClient(endpoints[0]!);
  try {
    // A linearizable read: the cluster has a leader.
    await waitFor('a leader', async () => ((await raw.range('x', { timeoutMs: 1000 })) ? true : undefined), 30_000, 200);
  } finally {
    raw.close();
  }
  return {
    endpoints,
    dir,
    kill,
    restart: (i, flags) => launch(i, flags),
    log: (i) => readFileSync(logOf(i), 'utf8'),
    stop: async () => {
      for (let i = 0; i < 3; i++) await kill(i);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('corruption checks on a three-member cluster', () => {
  it('a member whose data differs is refused at start by the initial check, and the periodic check raises CORRUPT', async () => {
    const trio = await startTrio('raftkv', ['--experimental-corrupt-check-time=500ms']);
    const client = new EtcdClient(trio.endpoints, { timeoutMs: 5000 });
    try {
      await client.put('k', 'the-good-value');
      const m2 = new RawEtcdClient(trio.endpoints[2]!);
      await waitFor('m2 to apply the put', async () => ((await m2.range('k', { serializable: true })).kvs.length === 1 ? true : undefined));
      m2.close();
      expect((await client.alarmList()).alarms).toEqual([]);
      // Member 2 stops cleanly, and its copy of the value is changed behind its back.
      await trio.kill(2, 'SIGTERM');
      const db = new Database(path.join(trio.dir, 'm2', 'member', 'state.db'));
      const changed = db.prepare('UPDATE kv_values SET value = ? WHERE value = ?').run(Buffer.from('the-evil-value'), Buffer.from('the-good-value'));
      db.close();
      expect(changed.changes).toBe(1);
      const status = await trio.restart(2, ['--experimental-initial-corrupt-check']);
      expect(status).not.toBe(0);
      expect(trio.log(2)).toContain('found data inconsistency with peers');
      // Started without the initial check, it serves; the leader's periodic check finds it out.
      // A pass that asks member 2 while it is still starting waits up to the 7 s request timeout
      // before the next pass, so the wait allows a few passes on a loaded machine.
      void trio.restart(2, []);
      const alarms = await waitFor(
        'a CORRUPT alarm',
        async () => {
          const a = (await client.alarmList()).alarms;
          return a.length > 0 ? a : undefined;
        },
        45_000,
        200,
      );
      expect(alarms.map((a) => rpc.AlarmType[a.alarm])).toContain('CORRUPT');
      // As etcd's corrupt applier: writes are refused, reads still answered.
      await expect(client.put('after', 'v')).rejects.toThrow('etcdserver: corrupt cluster');
      expect((await client.range('k')).kvs.length).toBe(1);
    } finally {
      client.close();
      await trio.stop();
    }
  }, 120_000);
});

describe.each(['raftkv', 'etcd'] as const)('hasleader=true watches when the member loses its leader (%s)', (target) => {
  const skip = target === 'etcd' && etcdMissing && !isCI;
  it.skipIf(skip)('an open one is cancelled with "etcdserver: no leader", a new one is refused, a plain one is still created', async () => {
    const trio = await startTrio(target);
    try {
      const m0 = trio.endpoints[0]!;
      const open = openWatch(m0, { hasleader: 'true' });
      open.send({ create_request: { key: Buffer.from('k') } });
      await waitFor('the created response', () => (open.responses.some((r) => r.created) ? true : undefined), 5000);
      await trio.kill(1);
      await trio.kill(2);
      // etcd cancels after three election timeouts (1 s each) without a leader.
      expect(await open.ended).toEqual({ code: UNAVAILABLE, details: 'etcdserver: no leader' });
      open.close();
      const refused = openWatch(m0, { hasleader: 'true' });
      refused.send({ create_request: { key: Buffer.from('k') } });
      expect(await refused.ended).toEqual({ code: UNAVAILABLE, details: 'etcdserver: no leader' });
      refused.close();
      // Unary calls too: a serializable Range with hasleader=true is refused, one without is served.
      expect(await unaryRange(m0, { hasleader: 'true' })).toEqual({ code: UNAVAILABLE, details: 'etcdserver: no leader' });
      expect(await unaryRange(m0, {})).toEqual({ code: 0, details: '' });
      const plain = openWatch(m0);
      plain.send({ create_request: { key: Buffer.from('k') } });
      await waitFor('the created response', () => (plain.responses.some((r) => r.created) ? true : undefined), 5000);
      plain.close();
    } finally {
      await trio.stop();
    }
  }, 60_000);
});
