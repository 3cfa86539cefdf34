// etcd 3.4's Go client (clientv3, the client of the tutorial) against a 3-member raftkv: the Go
// program in test/go/clientv3check runs concurrency.NewMutex with several contenders, Election,
// STM, Watch and leases, each client on a different member. It is built here in GOPATH mode against
// Debian's golang-etcd-server-dev sources. Without Go it is skipped, or fails under CI=true.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useClusters } from '../support/cluster.js';
import { findOnPath, isCI, prereqs, REPO_ROOT } from '../support/env.js';
import { cleanEnv } from '../support/proc.js';

const GOCODE = '/usr/share/gocode';
const CLIENTV3 = path.join(GOCODE, 'src', 'go.etcd.io', 'etcd', 'clientv3');

function goMissing(): string | undefined {
  if (findOnPath('go') === null) return 'go is not on PATH (Debian package golang-go)';
  if (!existsSync(CLIENTV3)) return `${CLIENTV3} is missing (Debian package golang-etcd-server-dev)`;
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

describe.skipIf(missing !== undefined && !isCI)('Go clientv3 (etcd 3.4) against a 3-member raftkv', () => {
  const fx = useClusters(pre);
  const work = mkdtempSync(path.join(os.tmpdir(), 'raftkv-go-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('mutex, election, STM, watch and lease checks all pass', async () => {
    if (missing !== undefined) throw new Error(`required tool missing under CI=true: ${missing}`);
    const bin = path.join(work, 'clientv3check');
    const env = cleanEnv({
      GO111MODULE: 'off',
      GOPATH: `${path.join(work, 'gopath')}${path.delimiter}${GOCODE}`,
      GOFLAGS: undefined,
      // Shared between runs: the first build compiles grpc and clientv3 once.
      GOCACHE: path.join(os.tmpdir(), 'raftkv-go-build-cache'),
    });
    const build = await run('go', ['build', '-o', bin, './test/go/clientv3check/'], env, 240_000);
    expect(build.code, build.output).toBe(0);

    const cluster = await fx.start(3);
    const r = await run(bin, [`--endpoints=${cluster.endpoints().join(',')}`], env, 240_000);
    const lines = r.output.split('\n').filter((l) => /^(PASS|FAIL) /.test(l));
    expect(lines, r.output).toEqual(['PASS mutex', 'PASS election', 'PASS stm', 'PASS watch', 'PASS lease']);
    expect(r.code, r.output).toBe(0);
  }, 600_000);
});
