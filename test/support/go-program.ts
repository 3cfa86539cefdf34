// The Go test programs in test/go: built in GOPATH mode (GO111MODULE=off) against etcd 3.4's
// sources from Debian's golang-etcd-server-dev, then run against a cluster.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findOnPath, REPO_ROOT } from './env.js';
import { cleanEnv } from './proc.js';

const GOCODE = '/usr/share/gocode';
const ETCD_SOURCES = path.join(GOCODE, 'src', 'go.etcd.io', 'etcd');

/** Why Go programs using these etcd packages cannot be built here, or undefined when they can. */
export function goMissing(etcdPackages: readonly string[]): string | undefined {
  if (findOnPath('go') === null) return 'go is not on PATH (Debian package golang-go)';
  for (const p of etcdPackages) {
    const dir = path.join(ETCD_SOURCES, p);
    if (!existsSync(dir)) return `${dir} is missing (Debian package golang-etcd-server-dev)`;
  }
  return undefined;
}

export interface RunResult {
  code: number | null;
  output: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<RunResult> {
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

export class GoProgram {
  private readonly env: NodeJS.ProcessEnv;
  private readonly bin: string;

  /** `name`: the folder under test/go; `work`: a scratch folder for the binary and GOPATH. */
  constructor(
    private readonly name: string,
    work: string,
  ) {
    this.bin = path.join(work, name);
    this.env = cleanEnv({
      GO111MODULE: 'off',
      GOPATH: `${path.join(work, 'gopath')}${path.delimiter}${GOCODE}`,
      GOFLAGS: undefined,
      // Shared between runs: the first build compiles grpc and clientv3 once.
      GOCACHE: path.join(os.tmpdir(), 'raftkv-go-build-cache'),
    });
  }

  build(timeoutMs = 240_000): Promise<RunResult> {
    return run('go', ['build', '-o', this.bin, `./test/go/${this.name}/`], this.env, timeoutMs);
  }

  /** Runs the program against `endpoints`; its output and the PASS/FAIL lines it printed. */
  async run(endpoints: readonly string[], timeoutMs = 240_000): Promise<RunResult & { verdicts: string[] }> {
    const r = await run(this.bin, [`--endpoints=${endpoints.join(',')}`], this.env, timeoutMs);
    return { ...r, verdicts: r.output.split('\n').filter((l) => /^(PASS|FAIL) /.test(l)) };
  }
}
