// One Patroni member (Debian's patroni, etcd3 backend) with its PostgreSQL, for tests. PostgreSQL
// refuses to run as root, so under root both run as the `postgres` user that Debian's package makes.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findOnPath } from './env.js';
import { freePort } from './ports.js';
import { killTree, spawnTracked } from './proc.js';

export const PG_BIN_DIR = '/usr/lib/postgresql/15/bin';

/** What this machine lacks to run Patroni with PostgreSQL 15 (empty when nothing). */
export function patroniMissing(): string[] {
  const missing: string[] = [];
  if (findOnPath('patroni') === null) missing.push('patroni (Debian package patroni) is not on PATH');
  if (!existsSync(path.join(PG_BIN_DIR, 'postgres'))) missing.push(`PostgreSQL 15 (Debian package postgresql) is not in ${PG_BIN_DIR}`);
  if (findOnPath('psql') === null) missing.push('psql (Debian package postgresql-client) is not on PATH');
  return missing;
}

/** The uid/gid to run PostgreSQL as: the postgres user under root, else ourselves. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

export interface PatroniMemberSpec {
  scope: string;
  name: string;
  baseDir: string;
  /** etcd client endpoints, host:port. */
  etcdHosts: readonly string[];
}

export interface ClusterView {
  members: { name: string; role: string; state: string; lag?: number | string }[];
}

export class PatroniMember {
  readonly name: string;
  readonly dir: string;
  private child: ChildProcess | undefined;
  private constructor(
    private readonly spec: PatroniMemberSpec,
    readonly restPort: number,
    readonly pgPort: number,
  ) {
    this.name = spec.name;
    this.dir = path.join(spec.baseDir, spec.name);
  }

  static async create(spec: PatroniMemberSpec): Promise<PatroniMember> {
    return new PatroniMember(spec, await freePort(), await freePort());
  }

  get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  get logFile(): string {
    return path.join(this.dir, 'patroni.log');
  }

  /** Writes the configuration and starts Patroni, which initialises or clones its PostgreSQL. */
  start(): void {
    const owner = runAs();
    mkdirSync(this.dir, { recursive: true });
    const config = path.join(this.dir, 'patroni.yml');
    writeFileSync(config, this.config());
    writeFileSync(this.logFile, '');
    if (owner !== undefined) {
      for (const p of [this.spec.baseDir, this.dir, config, this.logFile]) chownSync(p, owner.uid, owner.gid);
    }
    const child = spawnTracked('patroni', [config], {
      stdio: ['ignore', 'ignore', 'ignore'],
      cwd: this.dir,
      env: { PATH: process.env['PATH'], HOME: this.dir, LANG: 'C.UTF-8' },
      ...(owner ?? {}),
    });
    this.child = child;
  }

  /** Patroni's view of the cluster (its REST API), or undefined while it does not answer. */
  async cluster(): Promise<ClusterView | undefined> {
    try {
      const r = await fetch(`http://127.0.0.1:${this.restPort}/cluster`, { signal: AbortSignal.timeout(2000) });
      if (!r.ok) return undefined;
      return (await r.json()) as ClusterView;
    } catch {
      return undefined;
    }
  }

  /** Runs SQL through psql against this member's PostgreSQL; its unaligned output. */
  sql(statement: string): string {
    return execFileSync('psql', ['-h', '127.0.0.1', '-p', String(this.pgPort), '-U', 'postgres', '-d', 'postgres', '-tAX', '-v', 'ON_ERROR_STOP=1', '-c', statement], {
      encoding: 'utf8',
      timeout: 10_000,
      env: { PATH: process.env['PATH'], PGCONNECT_TIMEOUT: '3' },
    }).trim();
  }

  /** SIGKILL of Patroni and of its PostgreSQL (which Patroni starts detached from itself). */
  kill(): void {
    const postmaster = this.postmasterPid();
    if (this.child !== undefined) killTree(this.child);
    if (postmaster !== undefined) {
      try {
        process.kill(postmaster, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  logText(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  private postmasterPid(): number | undefined {
    try {
      const pid = Number(readFileSync(path.join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  private config(): string {
    const s = this.spec;
    // Short TTL and loop so that a failover takes seconds; trust on loopback only.
    return `scope: ${s.scope}
namespace: /service/
name: ${s.name}
log:
  level: INFO
  dir: ${this.dir}
  file_num: 1
restapi:
  listen: 127.0.0.1:${this.restPort}
  connect_address: 127.0.0.1:${this.restPort}
etcd3:
  hosts: ${s.etcdHosts.join(',')}
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 1
    retry_timeout: 4
    maximum_lag_on_failover: 1048576
    postgresql:
      use_pg_rewind: false
  initdb:
    - encoding: UTF8
  pg_hba:
    - host replication replicator 127.0.0.1/32 trust
    - host all all 127.0.0.1/32 trust
postgresql:
  listen: 127.0.0.1:${this.pgPort}
  connect_address: 127.0.0.1:${this.pgPort}
  data_dir: ${this.dataDir}
  bin_dir: ${PG_BIN_DIR}
  pgpass: ${path.join(this.dir, 'pgpass')}
  authentication:
    replication: {username: replicator, password: replicator}
    superuser: {username: postgres, password: postgres}
  parameters:
    unix_socket_directories: ${this.dir}
`;
  }
}
