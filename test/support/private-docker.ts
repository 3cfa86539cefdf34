// A private Docker daemon for one test: its own data root, exec root, pidfile and socket
// under a temp dir, never the host's daemon. Started so that it changes nothing in host
// networking (no iptables rules, no ip_forward, no docker0); the compose network's bridge
// exists only between `up` and `down`. Builds then need `--network host`.
// Debian's client (/usr/bin/docker) goes first on PATH: another docker client may sit earlier.
import { execFileSync, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findOnPath } from './env.js';
import { spawnTracked } from './proc.js';

const DOCKER_PATH = ['/usr/bin', '/usr/sbin', '/bin', '/sbin', process.env['PATH'] ?? ''].join(path.delimiter);

/** What the compose test needs on the host (Debian: docker.io, docker-compose, debootstrap). */
export function missingDockerTools(): string[] {
  const need: Array<[string, string]> = [
    ['dockerd', 'docker.io'],
    ['docker', 'docker.io'],
    ['docker-compose', 'docker-compose'],
    ['debootstrap', 'debootstrap'],
  ];
  const out: string[] = [];
  for (const [tool, pkg] of need) {
    if (findOnPath(tool, DOCKER_PATH) === null) out.push(`${tool} (Debian package ${pkg}) is not installed`);
  }
  if (process.getuid?.() !== 0) out.push('dockerd and debootstrap need root');
  return out;
}

/** Host networking state that a Docker daemon may change; compared before and after. */
export interface HostNet {
  ipForward: string;
  links: string[];
  iptables: string;
}

export function hostNet(): HostNet {
  const ipForward = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
  const links = (spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout ?? '')
    .split('\n')
    .map((l) => (l.split(': ')[1] ?? '').split('@')[0] ?? '')
    .filter((n) => n !== '')
    .sort();
  const ipt = spawnSync('iptables', ['-S'], { encoding: 'utf8' });
  const natT = spawnSync('iptables', ['-t', 'nat', '-S'], { encoding: 'utf8' });
  return { ipForward, links, iptables: `${ipt.stdout ?? ''}${natT.stdout ?? ''}` };
}

/** Puts back what a daemon could have changed: ip_forward and the bridges it created. */
export function restoreHostNet(before: HostNet): void {
  const now = hostNet();
  if (now.ipForward !== before.ipForward) writeFileSync('/proc/sys/net/ipv4/ip_forward', before.ipForward);
  for (const link of now.links) {
    if (!before.links.includes(link) && (link === 'docker0' || link.startsWith('br-') || link.startsWith('veth'))) {
      spawnSync('ip', ['link', 'delete', link], { stdio: 'ignore' });
    }
  }
}

export class PrivateDocker {
  readonly env: NodeJS.ProcessEnv;
  private constructor(
    readonly dir: string,
    private readonly daemon: ChildProcess,
  ) {
    this.env = { ...process.env, PATH: DOCKER_PATH, DOCKER_HOST: `unix://${path.join(dir, 'docker.sock')}` };
    delete this.env['DOCKER_CONTEXT'];
    delete this.env['DOCKER_CONFIG'];
  }

  static async start(dir: string): Promise<PrivateDocker> {
    const log = path.join(dir, 'dockerd.log');
    const logFd = openSync(log, 'a');
    const daemon = spawnTracked(
      '/usr/sbin/dockerd',
      [
        `--data-root=${path.join(dir, 'data')}`,
        `--exec-root=${path.join(dir, 'exec')}`,
        `--pidfile=${path.join(dir, 'dockerd.pid')}`,
        `--host=unix://${path.join(dir, 'docker.sock')}`,
        '--iptables=false',
        '--ip-forward=false',
        '--bridge=none',
      ],
      { stdio: ['ignore', logFd, logFd], env: { ...process.env, PATH: DOCKER_PATH } },
    );
    closeSync(logFd);
    const d = new PrivateDocker(dir, daemon);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && daemon.exitCode === null) {
      if (spawnSync('docker', ['version'], { env: d.env, stdio: 'ignore' }).status === 0) return d;
      await sleep(250);
    }
    const tail = readFileSync(log, 'utf8').split('\n').slice(-15).join('\n');
    await d.stop();
    throw new Error(`dockerd did not come up (exit ${daemon.exitCode ?? 'none'} within 60 s):\n${tail}`);
  }

  /** Runs the docker client against this daemon; throws with its stderr on failure. */
  docker(args: readonly string[], timeoutMs = 120_000): string {
    return this.run('docker', args, timeoutMs);
  }

  compose(file: string, args: readonly string[], timeoutMs = 120_000): string {
    return this.run('docker-compose', ['-f', file, ...args], timeoutMs, path.dirname(file));
  }

  run(cmd: string, args: readonly string[], timeoutMs = 120_000, cwd?: string): string {
    try {
      return execFileSync(cmd, [...args], { env: this.env, cwd, encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
    } catch (e) {
      const err = e as { stderr?: string; stdout?: string; status?: number | null };
      throw new Error(`${cmd} ${args.join(' ')} failed (status ${err.status ?? '?'}): ${err.stderr ?? ''}${err.stdout ?? ''}`);
    }
  }

  /** SIGTERM and wait (it stops its containerd and unmounts); then the temp dir goes. */
  async stop(): Promise<void> {
    if (this.daemon.exitCode === null && this.daemon.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.daemon.once('exit', () => resolve()));
      this.daemon.kill('SIGTERM');
      await Promise.race([exited, sleep(30_000)]);
      if (this.daemon.exitCode === null && this.daemon.signalCode === null) this.daemon.kill('SIGKILL');
    }
    // dockerd leaves its netns bind mount (exec/netns/default) behind; deepest mounts first.
    const mounts = readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[1] ?? '')
      .filter((m) => m.startsWith(`${this.dir}/`))
      .sort((a, b) => b.length - a.length);
    for (const m of mounts) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
    try {
      if (existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
    } catch (e) {
      throw new Error(`could not remove ${this.dir} after dockerd stopped: ${(e as Error).message}`);
    }
  }
}
