// etcd 3.4's Go gRPC clients of the lock and election services (v3lockpb.NewLockClient,
// v3electionpb.NewElectionClient) against a 3-member raftkv: the program in test/go/lockelectcheck
// runs contended locks, lease revocation, a Lock that times out, campaigns, proclamations and Observe, each client on a
// different member. Built in GOPATH mode against Debian's golang-etcd-server-dev sources (the same
// program passes against etcd 3.4.23). Without Go it is skipped, or fails under CI=true.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useClusters } from '../support/cluster.js';
import { findOnPath, isCI, prereqs, REPO_ROOT } from '../support/env.js';
import { cleanEnv } from '../support/proc.js';

const GOCODE = '/usr/share/gocode';
const ETCD = path.join(GOCODE, 'src', 'go.etcd.io', 'etcd');
const PACKAGES = ['clientv3', 'etcdserver/api/v3lock/v3lockpb', 'etcdserver/api/v3election/v3electionpb'];

function goMissing(): string | undefined {
  if (findOnPath('go') === null) return 'go is not on PATH (Debian package golang-go)';
  for (const p of PACKAGES) {
    const dir = path.join(ETCD, p);
    if (!existsSync(dir)) return `${dir} is missing (Debian package golang-etcd-server-dev)`;
  }
  return undefined;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => out.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: Buffer.concat(out).toString('utf8') });
    });
  });
}

const missing = goMissing();
const pre = prereqs({});

describe.skipIf(missing !== undefined && !isCI)('Go v3lockpb/v3electionpb clients (etcd 3.4) against a 3-member raftkv', () => {
  const fx = useClusters(pre);
  const work = mkdtempSync(path.join(os.tmpdir(), 'raftkv-go-lockelect-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('lock, lock after revoke, timed-out lock and election checks all pass', async () => {
    if (missing !== undefined) throw new Error(`required tool missing under CI=true: ${missing}`);
    const bin = path.join(work, 'lockelectcheck');
    const env = cleanEnv({
      GO111MODULE: 'off',
      GOPATH: `${path.join(work, 'gopath')}${path.delimiter}${GOCODE}`,
      GOFLAGS: undefined,
      // Shared between runs: the first build compiles grpc and clientv3 once.
      GOCACHE: path.join(os.tmpdir(), 'raftkv-go-build-cache'),
    });
    const build = await run('go', ['build', '-o', bin, './test/go/lockelectcheck/'], env, 240_000);
    expect(build.code, build.output).toBe(0);

    const cluster = await fx.start(3);
    const r = await run(bin, [`--endpoints=${cluster.endpoints().join(',')}`], env, 240_000);
    const lines = r.output.split('\n').filter((l) => /^(PASS|FAIL) /.test(l));
    expect(lines, r.output).toEqual(['PASS lock', 'PASS lock-revoke', 'PASS lock-timeout', 'PASS election']);
    expect(r.code, r.output).toBe(0);
  }, 600_000);
});
