// The cluster under test: N raftkv processes (cluster/cluster-node.ts) whose
// peer traffic goes through a ProxyMesh, with per-node flags LocalCluster
// cannot give (each node's own --test-peer-dial-map, a slow disk on one node)
// and the faults the nemeses need: kill, SIGSTOP/SIGCONT, restart with other
// flags, member remove + wipe + re-add. heal() undoes all of it.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { ClusterNode } from '../../cluster/cluster-node.js';
import { bootstrapFlags, joinFlags, peerUrl, type MemberSpec } from '../../cluster/node-flags.js';
import { REPO_ROOT, SERVER_ENTRY } from '../../cluster/paths.js';
import { EtcdClient } from '../../src/client/index.js';
import * as rpc from '../../src/gen/etcdserverpb.js';
import { freePort } from '../support/ports.js';
import { cleanEnv, spawnTracked } from '../support/proc.js';
import type { Clock } from './clock.js';
import { sleep } from './clock.js';
import { ProxyMesh } from './proxy-mesh.js';
import type { Rng } from './rng.js';

export interface ChaosClusterOptions {
  size: number;
  /** Data dirs and logs (<name>.log). */
  baseDir: string;
  clock: Clock;
  rng: Rng;
  bugs?: readonly string[];
  /** Appended to every node's flags. */
  extraFlags?: readonly string[];
  /** Every fault applied and every process exit, for the nemesis log. */
  onEvent?: (e: ClusterEvent) => void;
}

export interface ClusterEvent {
  atMs: number;
  node: string;
  event: string;
  detail?: string;
}

/** One member slot; its process object is replaced when its flags change. */
export class ChaosNode {
  proc!: ClusterNode;
  paused = false;
  fsyncDelayMs = 0;
  /** Removed from the membership (and its process gone or going). */
  removed = false;
  /** Set once re-added: the ETCD_* variables the join printed. */
  joinEnv: Record<string, string> | undefined;
  /** We are stopping it: its exit is not a crash. */
  expectExit = false;

  constructor(
    readonly name: string,
    readonly spec: MemberSpec,
  ) {}

  get endpoint(): string {
    return `${this.spec.host}:${this.spec.clientPort}`;
  }

  get peerUrl(): string {
    return peerUrl(this.spec);
  }

  get running(): boolean {
    return this.proc.running;
  }

  /** Running, not paused, a member: can answer. */
  get up(): boolean {
    return this.proc.running && !this.paused && !this.removed;
  }

  get logFile(): string {
    return path.join(path.dirname(this.spec.dataDir), `${this.name}.log`);
  }
}

export interface UnexpectedExit {
  node: string;
  atMs: number;
  status: number;
  logTail: string;
}

export class ChaosCluster {
  readonly nodes: ChaosNode[] = [];
  readonly unexpectedExits: UnexpectedExit[] = [];
  readonly token = 'raftkv-chaos';
  private mesh!: ProxyMesh;
  private specs: MemberSpec[] = [];

  constructor(private readonly o: ChaosClusterOptions) {}

  get proxies(): ProxyMesh {
    return this.mesh;
  }

  /** Every node's client endpoint (fixed for the run: a re-added member keeps its ports). */
  get endpoints(): string[] {
    return this.nodes.map((n) => n.endpoint);
  }

  node(name: string): ChaosNode {
    const n = this.nodes.find((x) => x.name === name);
    if (n === undefined) throw new Error(`no node ${name}`);
    return n;
  }

  async start(): Promise<void> {
    const host = '127.0.0.1';
    for (let i = 0; i < this.o.size; i++) {
      const name = `n${i + 1}`;
      this.specs.push({ name, host, clientPort: await freePort(), peerPort: await freePort(), dataDir: path.join(this.o.baseDir, name) });
    }
    this.mesh = await ProxyMesh.create(
      this.specs.map((s) => ({ name: s.name, peerUrl: peerUrl(s), peerPort: s.peerPort })),
      this.o.rng,
      host,
    );
    for (const s of this.specs) {
      const n = new ChaosNode(s.name, s);
      n.proc = this.makeProc(n);
      this.nodes.push(n);
    }
    // All at once: a founding member cannot finish starting without a quorum.
    const res = await Promise.allSettled(this.nodes.map((n) => n.proc.start()));
    const failed = res.find((r) => r.status === 'rejected');
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    await this.waitHealthy(30_000);
  }

  /**
   * The leader as most members see it: among the answering members, the
   * leader named at the highest term, if it is itself up. Undefined mid-election.
   */
  async leader(): Promise<ChaosNode | undefined> {
    const up = this.nodes.filter((n) => n.up);
    const st = await Promise.all(up.map((n) => n.proc.status(1000).catch(() => undefined)));
    let best: { term: number; id: bigint } | undefined;
    for (const s of st) {
      if (s === undefined || s.leader === 0n) continue;
      if (best === undefined || s.raftTerm > best.term) best = { term: s.raftTerm, id: s.leader };
    }
    if (best === undefined) return undefined;
    const id = best.id;
    return up.find((n) => n.proc.memberId === id);
  }

  async waitLeader(timeoutMs = 15_000): Promise<ChaosNode | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const l = await this.leader();
      if (l !== undefined || Date.now() > deadline) return l;
      await sleep(100);
    }
  }

  /** Until every member that is up serves a linearizable read (needs a leader and a quorum). */
  async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const errs = new Map<string, string>();
    for (;;) {
      const nodes = this.nodes.filter((n) => !n.removed);
      const ok = await Promise.all(
        nodes.map(async (n) => {
          if (!n.up) {
            errs.set(n.name, n.paused ? 'paused' : 'not running');
            return false;
          }
          const c = new EtcdClient([n.endpoint], { timeoutMs: 2000 });
          try {
            await c.range('health');
            return true;
          } catch (e) {
            errs.set(n.name, e instanceof Error ? e.message : String(e));
            return false;
          } finally {
            c.close();
          }
        }),
      );
      if (ok.every(Boolean)) return;
      if (Date.now() > deadline) {
        const why = nodes.flatMap((n, i) => (ok[i] === true ? [] : [`${n.name}: ${errs.get(n.name) ?? '?'}`]));
        throw new Error(`cluster not healthy after ${timeoutMs} ms: ${why.join('; ')}`);
      }
      await sleep(200);
    }
  }

  async kill(n: ChaosNode, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!n.running) return;
    n.expectExit = true;
    this.event(n, 'kill', signal);
    await n.proc.kill(signal);
    n.paused = false;
  }

  /** Starts a stopped node (same data dir and ports; retried while its old ports linger). */
  async startNode(n: ChaosNode): Promise<void> {
    if (n.running) return;
    n.expectExit = false;
    this.event(n, 'start', n.fsyncDelayMs > 0 ? `fsync delay ${n.fsyncDelayMs} ms` : undefined);
    await n.proc.restart();
  }

  /** Graceful stop, then a start with the given fsync delay (the slow-disk nemesis). */
  async restartWithFsyncDelay(n: ChaosNode, fsyncDelayMs: number): Promise<void> {
    if (n.running) {
      n.expectExit = true;
      this.event(n, 'stop');
      if (n.paused) this.resume(n);
      await n.proc.stop();
    }
    n.fsyncDelayMs = fsyncDelayMs;
    n.proc = this.makeProc(n);
    await this.startNode(n);
  }

  pause(n: ChaosNode): void {
    if (!n.running || n.paused) return;
    signalGroup(n.proc.pid, 'SIGSTOP');
    n.paused = true;
    this.event(n, 'pause');
  }

  resume(n: ChaosNode): void {
    if (!n.paused) return;
    if (n.running) signalGroup(n.proc.pid, 'SIGCONT');
    n.paused = false;
    this.event(n, 'resume');
  }

  /**
   * MemberRemove through the other members, confirmed by MemberList (a
   * timed-out remove may have happened), then the process (which stops by
   * itself once it learns) is gone and its data dir wiped.
   */
  async removeMember(n: ChaosNode, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const c = this.clientExcept(n);
    try {
      n.expectExit = true;
      for (;;) {
        const list = await c.memberList({ timeoutMs: 2000 }).catch(() => undefined);
        if (list !== undefined) {
          const m = list.members.find((x) => x.peerURLs.includes(n.peerUrl));
          if (m === undefined) break;
          await c.unary(rpc.ClusterService.MemberRemove, { ID: m.ID }, { timeoutMs: 3000 }).catch(() => undefined);
          continue;
        }
        if (Date.now() > deadline) {
          n.expectExit = false;
          throw new Error(`member remove of ${n.name} not confirmed after ${timeoutMs} ms`);
        }
        await sleep(200);
      }
    } finally {
      c.close();
    }
    n.removed = true;
    this.event(n, 'member-removed');
    if (n.paused) this.resume(n);
    await n.proc.waitExit(8000).catch(async () => {
      this.event(n, 'kill', 'SIGKILL (removed member still running)');
      await n.proc.kill('SIGKILL');
    });
    rmSync(n.spec.dataDir, { recursive: true, force: true });
  }

  /** MemberAdd with its old peer URL, then a start from an empty data dir with the printed ETCD_* values. */
  async addMember(n: ChaosNode, timeoutMs = 20_000): Promise<void> {
    if (n.running) await this.kill(n);
    rmSync(n.spec.dataDir, { recursive: true, force: true });
    const deadline = Date.now() + timeoutMs;
    const c = this.clientExcept(n);
    let members: rpc.Member[] | undefined;
    let id: bigint | undefined;
    try {
      while (members === undefined) {
        // A timed-out add may have been applied: look before adding again.
        const list = await c.memberList({ timeoutMs: 2000 }).catch(() => undefined);
        const existing = list?.members.find((x) => x.peerURLs.includes(n.peerUrl));
        if (list !== undefined && existing !== undefined) {
          members = list.members;
          id = existing.ID;
          break;
        }
        if (list !== undefined) {
          const r = await c.unary(rpc.ClusterService.MemberAdd, { peerURLs: [n.peerUrl], isLearner: false }, { timeoutMs: 3000 }).catch(() => undefined);
          if (r?.member !== undefined) {
            members = r.members;
            id = r.member.ID;
            break;
          }
        }
        if (Date.now() > deadline) throw new Error(`member add of ${n.name} failed for ${timeoutMs} ms`);
        await sleep(200);
      }
    } finally {
      c.close();
    }
    // What `etcdctl member add` prints.
    const initial = members.flatMap((m) => m.peerURLs.map((u) => `${m.ID === id ? n.name : m.name}=${u}`));
    n.joinEnv = {
      ETCD_NAME: n.name,
      ETCD_INITIAL_CLUSTER: initial.join(','),
      ETCD_INITIAL_ADVERTISE_PEER_URLS: n.peerUrl,
      ETCD_INITIAL_CLUSTER_STATE: 'existing',
    };
    n.removed = false;
    n.fsyncDelayMs = 0;
    this.event(n, 'member-added', `id ${id?.toString(16)}`);
    n.proc = this.makeProc(n);
    await this.startNode(n);
  }

  /** Undoes every fault: links pass, nodes resumed, re-added, restarted with a normal disk; then healthy. */
  async heal(timeoutMs = 60_000): Promise<void> {
    this.mesh.healAll();
    for (const n of this.nodes) this.resume(n);
    for (const n of this.nodes) if (n.removed) await this.addMember(n);
    for (const n of this.nodes) if (n.fsyncDelayMs > 0) await this.restartWithFsyncDelay(n, 0);
    await Promise.all(this.nodes.filter((n) => !n.running).map((n) => this.startNode(n)));
    await this.waitHealthy(timeoutMs);
  }

  /** SIGKILLs every process and closes the proxies (also after a failure). */
  async destroy(): Promise<void> {
    for (const n of this.nodes) n.expectExit = true;
    await Promise.all(this.nodes.map((n) => (n.proc.running ? n.proc.kill('SIGKILL') : undefined)));
    await this.mesh?.close();
  }

  private clientExcept(n: ChaosNode): EtcdClient {
    const others = this.nodes.filter((x) => x !== n && x.up);
    return new EtcdClient((others.length > 0 ? others : this.nodes.filter((x) => x !== n)).map((x) => x.endpoint), { timeoutMs: 3000 });
  }

  private args(n: ChaosNode): string[] {
    const base = n.joinEnv !== undefined ? joinFlags(n.spec) : bootstrapFlags(n.spec, this.specs, this.token);
    const bugs = this.o.bugs ?? [];
    return [
      ...base,
      '--test-peer-dial-map', this.mesh.dialMap(n.name),
      ...(bugs.length > 0 ? ['--test-bug', bugs.join(',')] : []),
      ...(n.fsyncDelayMs > 0 ? ['--test-fsync-delay-ms', String(n.fsyncDelayMs)] : []),
      ...(this.o.extraFlags ?? []),
    ];
  }

  private makeProc(n: ChaosNode): ClusterNode {
    return new ClusterNode({
      spec: n.spec,
      args: this.args(n),
      env: cleanEnv(n.joinEnv ?? {}),
      command: process.execPath,
      entry: SERVER_ENTRY,
      cwd: REPO_ROOT,
      spawn: spawnTracked,
      log: { kind: 'file', path: n.logFile },
      stopGraceMs: 3000,
      readyTimeoutMs: 20_000,
      onExit: (status) => {
        this.event(n, 'exit', `status ${status}`);
        if (!n.expectExit) {
          this.unexpectedExits.push({ node: n.name, atMs: this.o.clock.now(), status, logTail: n.proc.logTail(30) });
        }
      },
    });
  }

  private event(n: ChaosNode, event: string, detail?: string): void {
    this.o.onEvent?.({ atMs: this.o.clock.now(), node: n.name, event, ...(detail !== undefined ? { detail } : {}) });
  }
}

/** The server is a process group leader (spawned detached): signal the group. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  if (pid <= 0) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // gone
    }
  }
}
