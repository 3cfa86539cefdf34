// Launches one single-member node (raftkv or real etcd 3.4) on fresh loopback
// ports and a fresh temp data dir, and waits until it serves a linearizable
// Range. Layout: <base>/data is the data dir, <base>/node.log the node's
// stdout+stderr (its tail is put in readiness errors; see logTail()).
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { etcdPath, RAFTKV_ENTRY, REPO_ROOT, testTarget, type Target } from './env.js';
import { RawEtcdClient } from './grpc.js';
import { freePort } from './ports.js';
import { cleanEnv, exitStatus, killTree, sleep, spawnTracked } from './proc.js';

export interface StartNodeOptions {
  target?: Target;
  name?: string;
  /** Reuse an existing data dir (its parent holds the log). Default: fresh temp dir. */
  dataDir?: string;
  extraFlags?: string[];
  /** More client URLs to listen on beside the node's own http:// one (e.g. an https:// port). */
  extraClientUrls?: string[];
  readyTimeoutMs?: number;
}

export interface NodeHandle {
  readonly target: Target;
  readonly name: string;
  /** "127.0.0.1:PORT" */
  readonly endpoint: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly clientPort: number;
  readonly peerPort: number;
  readonly dataDir: string;
  readonly baseDir: string;
  readonly logFile: string;
  /** pid of the current server process (changes on restart). */
  readonly pid: number;
  readonly running: boolean;
  /** Sends `signal` (default SIGKILL) to the server process and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<number>;
  /** Starts the server again on the same ports and data dir (kills it first if running). */
  restart(): Promise<void>;
  /** SIGTERM, then SIGKILL after a grace period; removes the temp dir unless RAFTKV_TEST_KEEP=1. */
  stop(): Promise<void>;
  logTail(lines?: number): string;
}

function readTail(file: string, lines: number): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

class Node implements NodeHandle {
  readonly endpoint: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly logFile: string;
  private child: ChildProcess | null = null;
  private exitPromise: Promise<number> | null = null;
  private ownsBase: boolean;

  constructor(
    readonly target: Target,
    readonly name: string,
    readonly clientPort: number,
    readonly peerPort: number,
    readonly baseDir: string,
    readonly dataDir: string,
    private readonly extraFlags: string[],
    private readonly readyTimeoutMs: number,
    ownsBase: boolean,
  ) {
    this.endpoint = `127.0.0.1:${clientPort}`;
    this.clientUrl = `http://127.0.0.1:${clientPort}`;
    this.peerUrl = `http://127.0.0.1:${peerPort}`;
    this.logFile = path.join(baseDir, `${name}.log`);
    this.ownsBase = ownsBase;
  }

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  get running(): boolean {
    return this.child !== null;
  }

  flags(): string[] {
    return [
      `--name=${this.name}`,
      `--data-dir=${this.dataDir}`,
      `--listen-client-urls=${this.clientUrl}`,
      `--advertise-client-urls=${this.clientUrl}`,
      `--listen-peer-urls=${this.peerUrl}`,
      `--initial-advertise-peer-urls=${this.peerUrl}`,
      `--initial-cluster=${this.name}=${this.peerUrl}`,
      '--initial-cluster-state=new',
      `--initial-cluster-token=e2e-${this.name}`,
      '--log-level=info',
      ...this.extraFlags,
    ];
  }

  command(): { cmd: string; args: string[] } {
    if (this.target === 'etcd') {
      const bin = etcdPath();
      if (bin === null) throw new Error('etcd binary not found (set ETCD_BIN or install etcd-server)');
      return { cmd: bin, args: this.flags() };
    }
    if (!existsSync(RAFTKV_ENTRY)) {
      throw new Error(`raftkv is not built: ${RAFTKV_ENTRY} is missing (run \`npm run build\`)`);
    }
    return { cmd: process.execPath, args: [RAFTKV_ENTRY, ...this.flags()] };
  }

  logTail(lines = 40): string {
    return readTail(this.logFile, lines);
  }

  private launch(): void {
    const { cmd, args } = this.command();
    const fd = openSync(this.logFile, 'a');
    writeSync(fd, `\n===== ${new Date().toISOString()} start: ${cmd} ${args.join(' ')}\n`);
    const child = spawnTracked(cmd, args, {
      cwd: REPO_ROOT,
      env: cleanEnv(),
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    this.child = child;
    this.exitPromise = new Promise<number>((resolve) => {
      child.once('exit', (code, signal) => {
        if (this.child === child) this.child = null;
        resolve(exitStatus(code, signal));
      });
      child.once('error', (err) => {
        if (this.child === child) this.child = null;
        try {
          const fd2 = openSync(this.logFile, 'a');
          writeSync(fd2, `spawn error: ${err.message}\n`);
          closeSync(fd2);
        } catch {
          // ignore
        }
        resolve(-1);
      });
    });
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + this.readyTimeoutMs;
    const client = new RawEtcdClient(this.endpoint);
    let lastErr = '';
    try {
      for (;;) {
        if (this.child === null) {
          const status = this.exitPromise !== null ? await this.exitPromise : -1;
          throw new Error(
            `${this.target} node ${this.name} exited during startup (status ${status}); log tail:\n${this.logTail()}`,
          );
        }
        try {
          await client.range('e2e-readiness-probe', { timeoutMs: 1000 });
          return;
        } catch (e) {
          lastErr = e instanceof Error ? e.message : String(e);
          // A data dir with auth enabled: the server answers, just not to an anonymous read.
          if (lastErr.includes('etcdserver: user name is empty')) return;
        }
        if (Date.now() > deadline) {
          throw new Error(
            `${this.target} node ${this.name} not ready after ${this.readyTimeoutMs} ms on ${this.endpoint} ` +
              `(last error: ${lastErr}); log tail:\n${this.logTail()}`,
          );
        }
        await sleep(100);
      }
    } finally {
      client.close();
    }
  }

  async start(): Promise<void> {
    this.launch();
    await this.waitReady();
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number> {
    const child = this.child;
    const exited = this.exitPromise;
    if (child === null || exited === null) return exited !== null ? await exited : -1;
    if (signal === 'SIGKILL') killTree(child);
    else child.kill(signal);
    return await exited;
  }

  async restart(): Promise<void> {
    if (this.child !== null) await this.kill('SIGKILL');
    // The old process is gone, but give the kernel a moment if the port is still busy.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.start();
        return;
      } catch (e) {
        const inUse = /address already in use|EADDRINUSE/i.test(this.logTail(20));
        if (!inUse || attempt >= 10) throw e;
        await sleep(200);
      }
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child !== null && this.exitPromise !== null) {
      const exited = this.exitPromise;
      child.kill('SIGTERM');
      const t = setTimeout(() => killTree(child), 5000);
      await exited;
      clearTimeout(t);
      killTree(child); // anything the server left in its group
    }
    if (this.ownsBase && process.env['RAFTKV_TEST_KEEP'] !== '1') {
      rmSync(this.baseDir, { recursive: true, force: true });
    }
  }
}

/**
 * Starts a fresh single-member node. Retries on other ports when the chosen
 * ones turn out to be taken (another test worker may race for them).
 */
export async function startNode(opts: StartNodeOptions = {}): Promise<NodeHandle> {
  const target = opts.target ?? testTarget();
  const name = opts.name ?? 'n1';
  let baseDir: string;
  let dataDir: string;
  let ownsBase: boolean;
  if (opts.dataDir !== undefined) {
    dataDir = opts.dataDir;
    baseDir = path.dirname(dataDir);
    ownsBase = false;
  } else {
    baseDir = mkdtempSync(path.join(os.tmpdir(), `raftkv-e2e-${target}-`));
    dataDir = path.join(baseDir, 'data');
    ownsBase = true;
  }
  for (let attempt = 0; ; attempt++) {
    const clientPort = await freePort();
    const peerPort = await freePort();
    const node = new Node(
      target,
      name,
      clientPort,
      peerPort,
      baseDir,
      dataDir,
      [
        ...(opts.extraFlags ?? []),
        // A repeated flag: the last one counts, for etcd and raftkv alike.
        ...(opts.extraClientUrls === undefined ? [] : [`--listen-client-urls=${[`http://127.0.0.1:${clientPort}`, ...opts.extraClientUrls].join(',')}`]),
      ],
      opts.readyTimeoutMs ?? 20_000,
      ownsBase,
    );
    try {
      await node.start();
      return node;
    } catch (e) {
      const inUse = /address already in use|EADDRINUSE/i.test(node.logTail(20));
      await node.kill('SIGKILL');
      if (!inUse || attempt >= 3) {
        if (ownsBase && process.env['RAFTKV_TEST_KEEP'] !== '1') {
          // keep the log for the error message only; it is already in e.message
          rmSync(baseDir, { recursive: true, force: true });
        }
        throw e;
      }
      // fresh data dir for the next try: a half-initialised one must not be reused
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}
