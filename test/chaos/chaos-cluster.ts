// The cluster under test: N raftkv processes (cluster/cluster-node.ts) whose
// peer traffic goes through a ProxyMesh, with per-node flags LocalCluster
// cannot give (each node's own --test-peer-dial-map, a slow disk on one node)
// and the faults the nemeses need: kill, SIGSTOP/SIGCONT, restart with other
// flags, member remove + wipe + re-add. heal() undoes all of it.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { ClusterNode } from '../../cluster/cluster-node.js';
import { bootstrapFlags, joinFlags, peerUrl, type MemberSpec } from '../../cluster/node-flags.js';
import { REPO_ROOT } from '../../cluster/paths.js';
import { EtcdClient } from '../../src/client/index.js';
import * as rpc from '../../src/gen/etcdserverpb.js';
import { freePort } from '../support/ports.js';
import { cleanEnv, spawnTracked } from '../support/proc.js';
import type { Clock } from './clock.js';
import { sleep } from './clock.js';
import { ProxyMesh } from './proxy-mesh.js';
import type { Rng } from './rng.js';

/** raftkv with the hidden --test-* flags (test/support/faulty-raftkv.ts), built into dist-dev/. */
export const FAULTY_ENTRY = path.join(REPO_ROOT, 'dist-dev', 'test', 'support', 'faulty-raftkv.js');

export interface ChaosClusterOptions {
  size: number;
  /** Data dirs and logs (<name>.log). */
  baseDir: string;
  clock: Clock;
  rng: Rng;
  bugs?: readonly string[];
  /** Appended to every node's flags. */
  extraFlags?: readonly string[];
  /** The server entry script (default: the checkout's dist-dev/). */
  serverEntry?: string;
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
  /** A MemberRemove that was not confirmed: it may still be applied (heal() finds out). */
  removalPending = false;
  /** Member IDs this slot had and lost to a MemberRemove: the cluster refuses them forever. */
  readonly removedIds = new Set<bigint>();
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
    // A member whose removal may have been applied stops by itself once it learns.
    n.expectExit = n.removalPending;
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
   * MemberRemove through the leader, confirmed once some other member has
   * applied it (MemberList is served from each member's own applied state,
   * so a stale member can list a removed one for a long time). Then the
   * process (which stops by itself once it learns) is gone and its data dir
   * wiped. Unconfirmed, the removal may still happen: heal() settles it.
   */
  async removeMember(n: ChaosNode, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // From here on its exit is expected: it stops by itself once it learns.
    n.expectExit = true;
    n.removalPending = true;
    this.event(n, 'member-remove');
    for (;;) {
      const lists = await this.memberLists(n);
      if (lists.some((l) => !listed(l, n))) break;
      if (Date.now() > deadline) throw new Error(`member remove of ${n.name} not confirmed after ${timeoutMs} ms`);
      const m = lists.flat().find((x) => x.peerURLs.includes(n.peerUrl));
      if (m !== undefined) {
        n.removedIds.add(m.ID);
        await this.withLeaderClient(n, (c) => c.unary(rpc.ClusterService.MemberRemove, { ID: m.ID }, { timeoutMs: 3000 }));
      }
      await sleep(300);
    }
    n.removalPending = false;
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
    let members: rpc.Member[] | undefined;
    let id: bigint | undefined;
    let lastErr = '';
    while (members === undefined) {
      // A member that restarted behind may still list a removed ID of this slot (with
      // no name, if it never applied the start): such a list is stale, never a pending add.
      const lists = (await this.memberLists(n)).filter((l) => !l.some((m) => n.removedIds.has(m.ID)));
      // A timed-out add may have been applied: added but never started (no name yet).
      const pending = lists.find((l) => l.some((m) => m.peerURLs.includes(n.peerUrl) && m.name === ''));
      if (pending !== undefined) {
        members = pending;
        id = pending.find((m) => m.peerURLs.includes(n.peerUrl))?.ID;
        break;
      }
      // Only once some member has applied its removal (a stale one may still list it).
      if (lists.some((l) => !listed(l, n))) {
        const r = await this.withLeaderClient(n, (c) => c.unary(rpc.ClusterService.MemberAdd, { peerURLs: [n.peerUrl], isLearner: false }, { timeoutMs: 3000 }));
        if (typeof r === 'string') lastErr = r;
        else if (r.member !== undefined) {
          members = r.members;
          id = r.member.ID;
          break;
        }
      }
      if (Date.now() > deadline) throw new Error(`member add of ${n.name} failed for ${timeoutMs} ms${lastErr !== '' ? `: ${lastErr}` : ''}`);
      await sleep(300);
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

  /**
   * Undoes every fault: links pass, nodes resumed, restarted with a normal
   * disk, started; then membership: an unconfirmed removal settled, removed
   * members re-added (one a timed-out add already put in the list first,
   * since the others may need its vote). Then healthy.
   */
  async heal(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.mesh.healAll();
    for (const n of this.nodes) this.resume(n);
    const members = (): ChaosNode[] => this.nodes.filter((n) => !n.removed && !n.removalPending);
    for (const n of members()) if (n.fsyncDelayMs > 0) await this.restartWithFsyncDelay(n, 0);
    await Promise.all(members().filter((n) => !n.running).map((n) => this.startNode(n)));
    for (const n of this.nodes.filter((x) => x.removalPending)) await this.settleRemoval(n, deadline);
    while (this.nodes.some((n) => n.removed)) {
      const removed = this.nodes.filter((n) => n.removed);
      const lists = (await Promise.all(removed.map((n) => this.memberLists(n)))).flat(2);
      const pendingAdd = (n: ChaosNode): boolean => lists.some((m) => m.peerURLs.includes(n.peerUrl) && m.name === '' && !n.removedIds.has(m.ID));
      try {
        for (const n of [...removed.filter(pendingAdd), ...removed.filter((x) => !pendingAdd(x))]) {
          await this.addMember(n, Math.max(1000, Math.min(20_000, deadline - Date.now())));
        }
      } catch (e) {
        if (Date.now() > deadline) throw e;
      }
    }
    await this.waitHealthy(Math.max(5000, deadline - Date.now()));
  }

  /** After an unconfirmed MemberRemove: removed after all (then wiped) or still a member (then started). */
  private async settleRemoval(n: ChaosNode, deadline: number): Promise<void> {
    let agreed = 0;
    for (;;) {
      const lists = await this.memberLists(n);
      if (lists.some((l) => !listed(l, n))) {
        n.removalPending = false;
        n.removed = true;
        this.event(n, 'member-removed', 'late');
        if (n.running) await this.kill(n);
        rmSync(n.spec.dataDir, { recursive: true, force: true });
        return;
      }
      // Still listed by every member, twice a second apart with a leader: the removal did not happen.
      agreed = lists.length > 0 && (await this.leader()) !== undefined ? agreed + 1 : 0;
      if (agreed >= 2) {
        n.removalPending = false;
        n.expectExit = false;
        if (!n.running) await this.startNode(n);
        return;
      }
      if (Date.now() > deadline) throw new Error(`cannot tell whether ${n.name} is still a member`);
      await sleep(agreed > 0 ? 1000 : 300);
    }
  }

  /** Each other member's own (applied) member list; members that do not answer are left out. */
  private async memberLists(except: ChaosNode): Promise<rpc.Member[][]> {
    const others = this.nodes.filter((x) => x !== except && x.up);
    const lists = await Promise.all(
      others.map(async (x) => {
        const c = new EtcdClient([x.endpoint], { timeoutMs: 2000 });
        try {
          return (await c.memberList()).members;
        } catch {
          return undefined;
        } finally {
          c.close();
        }
      }),
    );
    return lists.filter((l): l is rpc.Member[] => l !== undefined);
  }

  /** Runs a membership call on the leader (or any other member); returns the error text on failure. */
  private async withLeaderClient<T>(except: ChaosNode, call: (c: EtcdClient) => Promise<T>): Promise<T | string> {
    const leader = await this.leader();
    const target = leader !== undefined && leader !== except ? leader : this.nodes.find((x) => x !== except && x.up);
    if (target === undefined) return 'no member is up';
    const c = new EtcdClient([target.endpoint], { timeoutMs: 3000 });
    try {
      return await call(c);
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    } finally {
      c.close();
    }
  }

  /** SIGKILLs every process and closes the proxies (also after a failure). */
  async destroy(): Promise<void> {
    for (const n of this.nodes) n.expectExit = true;
    await Promise.all(this.nodes.map((n) => (n.proc.running ? n.proc.kill('SIGKILL') : undefined)));
    await this.mesh?.close();
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
      entry: this.o.serverEntry ?? FAULTY_ENTRY,
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

function listed(list: readonly rpc.Member[], n: ChaosNode): boolean {
  return list.some((m) => m.peerURLs.includes(n.peerUrl));
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
