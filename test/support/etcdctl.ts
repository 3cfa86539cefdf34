// Runs the real etcdctl (API v3) against a node: one-shot runs and
// background processes (watch, lock, elect, lease keep-alive).
import type { ChildProcess } from 'node:child_process';
import { etcdctlPath } from './env.js';
import { cleanEnv, exitStatus, killTree, spawnTracked, waitFor } from './proc.js';

export interface CtlResult {
  stdout: string;
  stderr: string;
  /** Exit status, shell style: 128+N when killed by signal N. */
  code: number;
  signal: NodeJS.Signals | null;
  stdoutBytes: Buffer;
}

export interface CtlOptions {
  /** Written to stdin, which is then closed. Default: empty stdin. */
  stdin?: string | Buffer;
  /** Extra environment (undefined removes a variable). ETCDCTL_API=3 is always set. */
  env?: Record<string, string | undefined>;
  /** Kill (SIGKILL, whole group) and fail after this long. Default 20 s. */
  timeoutMs?: number;
  /** Override --endpoints: a list, or null for no --endpoints flag at all. */
  endpoints?: string | string[] | null;
}

export interface BackgroundOptions extends Omit<CtlOptions, 'stdin' | 'timeoutMs'> {
  /** Keep stdin open for writeStdin()/endStdin() (e.g. `watch -i`). */
  keepStdin?: boolean;
}

/** The program to run and the words that go before its arguments. */
export interface CtlBinary {
  cmd: string;
  prefixArgs: readonly string[];
}

function etcdctlBinary(): CtlBinary {
  const bin = etcdctlPath();
  if (bin === null) throw new Error('etcdctl not found on PATH (install etcd-client)');
  return { cmd: bin, prefixArgs: [] };
}

function buildArgs(defaultEndpoint: string, args: readonly string[], endpoints: CtlOptions['endpoints']): string[] {
  const eps = endpoints === undefined ? defaultEndpoint : endpoints;
  if (eps === null) return [...args];
  const list = Array.isArray(eps) ? eps.join(',') : eps;
  return [`--endpoints=${list}`, ...args];
}

/** A background etcdctl process whose output is collected as it arrives. */
export class CtlProcess {
  private out: Buffer[] = [];
  private err: Buffer[] = [];
  readonly done: Promise<CtlResult>;
  private exitedFlag = false;

  constructor(
    private readonly child: ChildProcess,
    readonly args: readonly string[],
  ) {
    child.stdout?.on('data', (b: Buffer) => this.out.push(b));
    child.stderr?.on('data', (b: Buffer) => this.err.push(b));
    this.done = new Promise<CtlResult>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => {
        this.exitedFlag = true;
        const stdoutBytes = Buffer.concat(this.out);
        resolve({
          stdout: stdoutBytes.toString('utf8'),
          stderr: Buffer.concat(this.err).toString('utf8'),
          code: exitStatus(code, signal),
          signal,
          stdoutBytes,
        });
      });
    });
    // Avoid unhandled rejections when nobody awaits `done`.
    this.done.catch(() => undefined);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get stdout(): string {
    return Buffer.concat(this.out).toString('utf8');
  }

  get stderr(): string {
    return Buffer.concat(this.err).toString('utf8');
  }

  get exited(): boolean {
    return this.exitedFlag;
  }

  /** Signals the etcdctl process itself (not its process group), like timeout(1) does. */
  signal(sig: NodeJS.Signals): void {
    if (!this.exitedFlag) this.child.kill(sig);
  }

  /** Signals, then waits for exit. */
  async stop(sig: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000): Promise<CtlResult> {
    this.signal(sig);
    return await this.wait(timeoutMs);
  }

  /** Waits for exit; SIGKILLs the group and throws after timeoutMs. */
  async wait(timeoutMs = 10_000): Promise<CtlResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        killTree(this.child);
        reject(
          new Error(
            `etcdctl ${this.args.join(' ')} did not exit within ${timeoutMs} ms\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`,
          ),
        );
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.done, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits until stdout satisfies `pred` (or contains the string). */
  async waitForStdout(pred: string | ((s: string) => boolean), timeoutMs = 10_000): Promise<string> {
    const test = typeof pred === 'string' ? (s: string) => s.includes(pred) : pred;
    return await waitFor(
      `etcdctl ${this.args.join(' ')} output (have stdout=${JSON.stringify(this.stdout)} stderr=${JSON.stringify(this.stderr)})`,
      () => {
        const s = this.stdout;
        if (test(s)) return s;
        if (this.exitedFlag) throw new Error(`exited early; stdout=${JSON.stringify(s)} stderr=${JSON.stringify(this.stderr)}`);
        return undefined;
      },
      timeoutMs,
      25,
    );
  }

  writeStdin(s: string | Buffer): void {
    this.child.stdin?.write(s);
  }

  endStdin(): void {
    this.child.stdin?.end();
  }

  /** SIGKILL the whole group (cleanup; safe to call repeatedly). */
  kill(): void {
    if (!this.exitedFlag) killTree(this.child);
  }
}

/** etcdctl bound to one default endpoint; tracks background processes for cleanup. */
export class Etcdctl {
  private readonly background = new Set<CtlProcess>();

  /** `binary`: another etcdctl-compatible program (raftkvctl); default the real etcdctl. */
  constructor(
    readonly endpoint: string,
    private readonly binary: () => CtlBinary = etcdctlBinary,
  ) {}

  /** Runs `etcdctl --endpoints=<endpoint> ...args` to completion. */
  async run(args: readonly string[], opts: CtlOptions = {}): Promise<CtlResult> {
    const p = this.startInternal(buildArgs(this.endpoint, args, opts.endpoints), opts.env, true);
    if (opts.stdin !== undefined) p.writeStdin(opts.stdin);
    p.endStdin();
    try {
      return await p.wait(opts.timeoutMs ?? 20_000);
    } finally {
      this.background.delete(p);
    }
  }

  /** Starts a long-running etcdctl (watch, lock, elect, keep-alive). */
  start(args: readonly string[], opts: BackgroundOptions = {}): CtlProcess {
    const p = this.startInternal(buildArgs(this.endpoint, args, opts.endpoints), opts.env, opts.keepStdin === true);
    if (opts.keepStdin !== true) p.endStdin();
    return p;
  }

  private startInternal(fullArgs: string[], env: CtlOptions['env'], pipeStdin: boolean): CtlProcess {
    const bin = this.binary();
    const child = spawnTracked(bin.cmd, [...bin.prefixArgs, ...fullArgs], {
      env: cleanEnv({ ETCDCTL_API: '3', ...(env ?? {}) }),
      stdio: [pipeStdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    const p = new CtlProcess(child, fullArgs);
    this.background.add(p);
    void p.done.then(
      () => this.background.delete(p),
      () => this.background.delete(p),
    );
    return p;
  }

  /** Kills every background etcdctl (and its children) still running. */
  killAll(): void {
    for (const p of this.background) p.kill();
    this.background.clear();
  }
}

/** One-shot `etcdctl --endpoints=<endpoint> ...args` (ETCDCTL_API=3). */
export async function etcdctl(endpoint: string, args: readonly string[], opts: CtlOptions = {}): Promise<CtlResult> {
  return await new Etcdctl(endpoint).run(args, opts);
}
