// One member process of a LocalCluster: started from dist/, its output either
// appended to a log file or handed line by line to a callback (the launcher
// prefixes it with the node name), killed by signal and restarted on the same
// ports and data dir.
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { EtcdClient, type ClientTls } from '../src/client/index.js';
import type { StatusResponse } from '../src/gen/etcdserverpb.js';
import { exitStatus, sleep } from '../test/support/proc.js';
import { clientUrl, peerUrl, type MemberSpec } from './node-flags.js';

export type SpawnFn = (cmd: string, args: readonly string[], opts: SpawnOptions) => ChildProcess;

export type LogSink = { kind: 'file'; path: string } | { kind: 'lines'; onLine: (line: string) => void };

export interface ClusterNodeOptions {
  spec: MemberSpec;
  /** The server's flags (after the entry script). */
  args: string[];
  env: NodeJS.ProcessEnv;
  /** node, and the script it runs. */
  command: string;
  entry: string;
  cwd: string;
  spawn: SpawnFn;
  log: LogSink;
  /** SIGTERM, then SIGKILL after this long (stop()). */
  stopGraceMs: number;
  /** How long start() waits for the client port to answer Status. */
  readyTimeoutMs: number;
  /** Called whenever the process exits, for whatever reason. */
  onExit?: (status: number) => void;
  /** How clients reach a TLS member. */
  clientTls?: ClientTls;
}

const TAIL_LINES = 200;

export class ClusterNode {
  readonly name: string;
  readonly clientPort: number;
  readonly peerPort: number;
  /** "127.0.0.1:PORT", as etcdctl --endpoints wants it. */
  readonly endpoint: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  /** Learned from Status or `member add`. */
  memberId: bigint | undefined;
  /** Added with --learner and not promoted yet (the caller clears it after `member promote`). */
  learner = false;
  /** Removed from the cluster: no longer counted among the members. */
  removed = false;

  private child: ChildProcess | null = null;
  private exitPromise: Promise<number> = Promise.resolve(-1);
  private lastStatus: number | undefined;
  private readonly tail: string[] = [];

  constructor(private readonly opts: ClusterNodeOptions) {
    const s = opts.spec;
    this.name = s.name;
    this.clientPort = s.clientPort;
    this.peerPort = s.peerPort;
    this.endpoint = `${s.host}:${s.clientPort}`;
    this.clientUrl = clientUrl(s);
    this.peerUrl = peerUrl(s);
    this.dataDir = s.dataDir;
  }

  get args(): readonly string[] {
    return this.opts.args;
  }

  get env(): NodeJS.ProcessEnv {
    return this.opts.env;
  }

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** Exit status of the last process that exited (shell style, 137 for SIGKILL). */
  get exitStatus(): number | undefined {
    return this.lastStatus;
  }

  get logFile(): string | undefined {
    return this.opts.log.kind === 'file' ? this.opts.log.path : undefined;
  }

  /** Everything the node logged (file sink), or the recent lines (line sink). */
  logText(): string {
    const log = this.opts.log;
    if (log.kind === 'lines') return this.tail.join('\n');
    try {
      return readFileSync(log.path, 'utf8');
    } catch {
      return '';
    }
  }

  logTail(lines = 30): string {
    return this.logText().split('\n').slice(-lines).join('\n');
  }

  /** Starts the process and waits until its client port answers Status (no quorum needed). */
  async start(): Promise<void> {
    if (this.child !== null) throw new Error(`${this.name} is already running (pid ${this.pid})`);
    this.launch();
    const deadline = Date.now() + this.opts.readyTimeoutMs;
    let lastErr = '';
    for (;;) {
      if (this.child === null) {
        const status = await this.exitPromise;
        throw new Error(`${this.name} exited during startup (status ${status}); log tail:\n${this.logTail()}`);
      }
      try {
        await this.status(1000);
        return;
      } catch (e) {
        lastErr = e instanceof Error ? e.message : String(e);
      }
      if (Date.now() > deadline) {
        throw new Error(
          `${this.name} did not answer Status on ${this.endpoint} within ${this.opts.readyTimeoutMs} ms ` +
            `(last error: ${lastErr}); log tail:\n${this.logTail()}`,
        );
      }
      await sleep(100);
    }
  }

  /** Sends `signal` to the process (group) and waits for it to exit; returns its exit status. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number> {
    const child = this.child;
    if (child === null) return this.lastStatus ?? -1;
    signalGroup(child, signal);
    return await this.exitPromise;
  }

  /** SIGTERM, SIGKILL after the grace period; resolves with the exit status. */
  async stop(): Promise<number> {
    const child = this.child;
    if (child === null) return this.lastStatus ?? -1;
    signalGroup(child, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), this.opts.stopGraceMs);
    try {
      return await this.exitPromise;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops the process if it runs, then starts it again on the same ports and data dir. */
  async restart(): Promise<void> {
    await this.stop();
    for (let attempt = 0; ; attempt++) {
      try {
        await this.start();
        return;
      } catch (e) {
        // A port of the old process may still be held for a moment.
        if (!/EADDRINUSE|address already in use/i.test(this.logTail(20)) || attempt >= 10) throw e;
        await sleep(200);
      }
    }
  }

  /** Waits for the current process to exit by itself; throws after timeoutMs. */
  async waitExit(timeoutMs: number): Promise<number> {
    if (this.child === null) return this.lastStatus ?? -1;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.name} (pid ${this.pid}) still running after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exitPromise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A client for this node alone. Close it after use. */
  client(timeoutMs = 5000): EtcdClient {
    return new EtcdClient([this.endpoint], { timeoutMs, tls: this.opts.clientTls });
  }

  /** Maintenance.Status of this node; records its member ID. */
  async status(timeoutMs = 2000): Promise<StatusResponse> {
    const c = this.client(timeoutMs);
    try {
      const s = await c.status();
      if (s.header !== undefined) this.memberId = s.header.member_id;
      return s;
    } finally {
      c.close();
    }
  }

  private launch(): void {
    const { command, entry, args, env, cwd, log } = this.opts;
    const argv = [entry, ...args];
    let child: ChildProcess;
    if (log.kind === 'file') {
      const fd = openSync(log.path, 'a');
      writeSync(fd, `\n===== ${new Date().toISOString()} start: ${command} ${argv.join(' ')}\n`);
      try {
        child = this.opts.spawn(command, argv, { cwd, env, stdio: ['ignore', fd, fd] });
      } finally {
        closeSync(fd);
      }
    } else {
      child = this.opts.spawn(command, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const onLine = (line: string): void => {
        this.tail.push(line);
        if (this.tail.length > TAIL_LINES) this.tail.shift();
        log.onLine(line);
      };
      splitLines(child.stdout, onLine);
      splitLines(child.stderr, onLine);
    }
    this.child = child;
    this.exitPromise = new Promise<number>((resolve) => {
      const done = (status: number): void => {
        if (this.child === child) this.child = null;
        this.lastStatus = status;
        resolve(status);
        this.opts.onExit?.(status);
      };
      child.once('exit', (code, signal) => done(exitStatus(code, signal)));
      child.once('error', () => done(-1));
    });
  }
}

function splitLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (stream === null) return;
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const p of parts) onLine(p);
  });
  stream.on('end', () => {
    if (partial !== '') onLine(partial);
    partial = '';
  });
}

/** The server runs as its own process group leader (detached): signal the group. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}
