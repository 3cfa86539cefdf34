import { bootstrapStorage } from '../bootstrap.js';
import { decodeConfChange } from '../conf-change-codec.js';
import { isStorageError } from '../errors.js';
import type { Message, NodeId, Ready } from '../types.js';
import { Checker, SafetyViolation } from './checker.js';
import { Network } from './network.js';
import { SimNode, type NodeParams } from './node.js';
import { Rng } from './rng.js';
import { chain, decodeSmSnapshot, encodeSmSnapshot, entryKey } from './state-machine.js';

export interface SimOptions {
  seed: number;
  nodes: 3 | 5;
  /** TEST ONLY: run every node with the broken commit rule. */
  unsafeCommitOldTerms?: boolean;
  /** Keep the last events for the failure report. */
  trace?: boolean;
}

export interface SimStats {
  rounds: number;
  leaders: number;
  applied: number;
  crashes: number;
  partitions: number;
  snapshotsSent: number;
  confChanges: number;
  transfers: number;
  readsChecked: number;
  messages: number;
  livenessTicks: number;
  /** Ticks after healing until a leader existed. */
  electionTicks: number;
}

export interface SimResult {
  seed: number;
  nodes: number;
  unsafe: boolean;
  ok: boolean;
  /** The first invariant broken (safety) or the liveness failure. */
  failure?: string;
  kind?: 'safety' | 'liveness' | 'crash';
  stats: SimStats;
  trace?: string[];
}

/** After the network heals: ticks allowed to elect a leader (50 election timeouts). */
export const LEADER_BOUND_TICKS = 500;
/** ... to commit a new write (plus 2 per entry of uncommitted backlog). */
export const COMMIT_BOUND_TICKS = 200;
/** ... for every live member to apply it once committed. */
export const CONVERGE_BOUND_TICKS = 2000;

interface PendingRead {
  node: NodeId;
  floor: number;
}

/**
 * A deterministic cluster simulation: one seed decides the Raft parameters,
 * the fault rates and every event. The run has a chaotic phase (drops,
 * delays, duplicates, reordering, symmetric/asymmetric/leader-isolating
 * partitions, crashes that lose unpersisted state, membership changes,
 * compaction and snapshots, leader transfers, proposals and reads) and then a
 * healed phase that must elect a leader and commit a write within a bound.
 */
export class Simulation {
  private readonly rng: Rng;
  private readonly net: Network;
  private readonly checker = new Checker();
  readonly nodes = new Map<NodeId, SimNode>();
  private readonly params: NodeParams;
  private now = 0;
  private nextId: bigint;
  private writeSeq = 0;
  private readSeq = 0;
  private readonly reads = new Map<string, PendingRead>();
  private readonly traceLog: string[] = [];
  private readonly stats: SimStats = {
    rounds: 0,
    leaders: 0,
    applied: 0,
    crashes: 0,
    partitions: 0,
    snapshotsSent: 0,
    confChanges: 0,
    transfers: 0,
    readsChecked: 0,
    messages: 0,
    livenessTicks: 0,
    electionTicks: 0,
  };
  // Per-run knobs.
  private readonly rounds: number;
  private readonly proposeRate: number;
  private readonly readRate: number;
  private readonly crashRate: number;
  private readonly partitionRate: number;
  private readonly confRate: number;
  private readonly compactRate: number;
  /** Writes may take rounds; the node steps messages while one is in flight. */
  private readonly slowDisk: boolean;

  constructor(private readonly opts: SimOptions) {
    this.rng = new Rng(opts.seed);
    const r = this.rng;
    this.params = {
      electionTick: 10,
      heartbeatTick: r.pick([1, 2, 3]),
      preVote: r.chance(0.5),
      checkQuorum: r.chance(0.5),
      maxSizePerMsg: r.pick([0, 0, 80, 1024 * 1024]),
      maxInflightMsgs: r.pick([1, 4, 64]),
      maxInflightBytes: r.pick([0, 0, 300]),
      unsafeCommitOldTerms: opts.unsafeCommitOldTerms ?? false,
    };
    this.net = new Network(r.fork(), {
      dropRate: r.pick([0, 0.02, 0.1, 0.2]),
      dupRate: r.pick([0, 0.02, 0.05]),
      maxDelay: r.pick([1, 2, 3, 5]),
    });
    this.rounds = r.range(150, 400);
    this.proposeRate = r.pick([0.2, 0.5, 1]);
    this.readRate = r.pick([0.05, 0.2]);
    this.crashRate = r.pick([0, 0.01, 0.03]);
    this.partitionRate = r.pick([0.01, 0.03, 0.06]);
    this.confRate = r.pick([0, 0.02, 0.05]);
    this.compactRate = r.pick([0.02, 0.1]);
    this.slowDisk = r.chance(0.5);

    const ids: NodeId[] = [];
    for (let i = 1; i <= opts.nodes; i++) ids.push(BigInt(i));
    this.nextId = BigInt(opts.nodes + 1);
    for (const id of ids) {
      const n = this.newNode(id);
      bootstrapStorage(n.durable, ids);
      n.start();
    }
  }

  private newNode(id: NodeId): SimNode {
    const n = new SimNode(id, this.params, Math.floor(this.rng.next() * 2 ** 31));
    this.nodes.set(id, n);
    return n;
  }

  private trace(s: string): void {
    if (!this.opts.trace) return;
    this.traceLog.push(`[${this.now}] ${s}`);
    if (this.traceLog.length > 3000) this.traceLog.shift();
  }

  run(): SimResult {
    try {
      for (let i = 0; i < this.rounds; i++) this.chaosRound();
      this.stats.rounds = this.rounds;
      const live = this.livenessPhase();
      this.stats.leaders = this.checker.leaderCount();
      this.stats.readsChecked = this.checker.readsChecked;
      if (live !== undefined) return this.result('liveness', live);
      return this.result();
    } catch (e) {
      this.stats.leaders = this.checker.leaderCount();
      if (e instanceof SafetyViolation) return this.result('safety', e.message);
      return this.result('crash', e instanceof Error ? (e.stack ?? e.message) : String(e));
    }
  }

  private result(kind?: 'safety' | 'liveness' | 'crash', failure?: string): SimResult {
    const r: SimResult = {
      seed: this.opts.seed,
      nodes: this.opts.nodes,
      unsafe: this.opts.unsafeCommitOldTerms ?? false,
      ok: kind === undefined,
      stats: this.stats,
    };
    if (kind) {
      r.kind = kind;
      r.failure = `round ${this.now}: ${failure}`;
    }
    if (this.opts.trace) r.trace = this.traceLog.slice();
    return r;
  }

  // ---- One round of the chaotic phase ------------------------------------

  private chaosRound(): void {
    this.now++;
    this.maybeChangePartition();
    this.maybeCrashOrRestart();
    this.tickAndDeliver(0.95);
    this.clientActions();
  }

  private upNodes(): SimNode[] {
    return [...this.nodes.values()].filter((n) => n.up);
  }

  private tickAndDeliver(tickRate: number): void {
    for (const n of this.rng.shuffle(this.upNodes())) {
      if (!this.rng.chance(tickRate)) continue;
      n.raw?.tick();
      this.handleReadies(n);
    }
    for (const m of this.net.due(this.now)) this.deliver(m);
    this.completeWrites();
  }

  private deliver(m: Message): void {
    const to = this.nodes.get(m.to);
    const from = this.nodes.get(m.from);
    const blocked = this.net.isBlocked(m.from, m.to);
    if (m.type === 'MsgSnap' && from?.raw) {
      // The transport reports the snapshot stream's outcome to the sender.
      from.raw.reportSnapshot(m.to, !blocked && to?.raw !== undefined);
      this.handleReadies(from);
    }
    if (blocked || to?.raw === undefined) return;
    if (from && to.removed.has(m.from)) {
      // As etcd's transport does: a removed member is refused and shuts down.
      if (from.up) this.trace(`node ${from.id} learns from ${to.id} that it was removed; shutting down`);
      from.retired = true;
      from.crash();
      return;
    }
    this.stats.messages++;
    if (this.opts.trace) {
      const ents = m.entries.length > 0 ? ` [${m.entries[0].index}..${m.entries[m.entries.length - 1].index}]` : '';
      this.trace(
        `${m.type} ${m.from}->${m.to} t${m.term} i${m.index} lt${m.logTerm} c${m.commit}${ents}` +
          `${m.reject ? ` reject hint ${m.rejectHint}` : ''}`,
      );
    }
    to.raw.step(m);
    this.handleReadies(to);
  }

  private send(from: SimNode, m: Message): void {
    const outcome = this.net.send(m, this.now);
    if (outcome === 'blocked' && from.raw && this.rng.chance(0.3)) from.raw.reportUnreachable(m.to);
    if (m.type === 'MsgSnap') {
      this.stats.snapshotsSent++;
      if (outcome !== 'queued' && from.raw) from.raw.reportSnapshot(m.to, false);
    }
  }

  /**
   * The application's Ready loop, with the persistence contract: early
   * messages go out at once, then the durable write, then the after-persist
   * messages, then apply, then advance. A crash may strike between the early
   * sends and the write. With `slowDisk`, the write may complete rounds
   * later, while the node keeps stepping messages and ticking meanwhile.
   */
  private handleReadies(n: SimNode): void {
    for (let guard = 0; n.writing === undefined && n.raw?.hasReady(); guard++) {
      if (guard > 1000) throw new Error(`node ${n.id}: Ready loop does not settle`);
      const rd = n.raw.ready();
      for (const m of rd.messages) if (!m.afterPersist) this.send(n, m.message);
      if (n.crashAtNextReady) {
        this.trace(`node ${n.id} crashes before persisting a Ready (${rd.entries.length} entries)`);
        n.crash();
        this.stats.crashes++;
        return;
      }
      if (this.slowDisk && this.rng.chance(0.5)) {
        n.writing = rd;
        n.writeDoneAt = this.now + this.rng.range(0, 2);
        break;
      }
      this.finishReady(n, rd);
    }
    if (n.raw) this.checker.observeRole(n.id, n.raw.raft.state, n.raw.raft.term, n.raw.raft.log);
  }

  /** Completes slow writes that are due. */
  private completeWrites(): void {
    for (const n of this.nodes.values()) {
      if (n.writing !== undefined && n.writeDoneAt <= this.now) {
        const rd = n.writing;
        n.writing = undefined;
        this.finishReady(n, rd);
        this.handleReadies(n);
      }
    }
  }

  private finishReady(n: SimNode, rd: Ready): void {
    const raw = n.raw;
    if (raw === undefined) return;
    this.persist(n, rd);
    for (const m of rd.messages) if (m.afterPersist) this.send(n, m.message);
    this.apply(n, rd);
    if (n.retired) return;
    raw.advance(rd);
    this.checker.observeRole(n.id, raw.raft.state, raw.raft.term, raw.raft.log);
    if (rd.softState?.state === 'leader') this.trace(`node ${n.id} is leader of term ${raw.raft.term}`);
  }

  private persist(n: SimNode, rd: Ready): void {
    if (rd.snapshot) {
      const err = n.durable.applySnapshot(rd.snapshot);
      if (err) throw new Error(`node ${n.id}: applySnapshot: ${err.error}`);
    }
    n.durable.append(rd.entries);
    if (rd.hardState) n.durable.setHardState(rd.hardState);
    n.checkedCommit = this.checker.onPersist(n.id, rd, n.durable, n.checkedCommit);
  }

  private apply(n: SimNode, rd: Ready): void {
    const raw = n.raw;
    if (raw === undefined) return;
    if (rd.snapshot) {
      const meta = rd.snapshot.metadata;
      const s = decodeSmSnapshot(rd.snapshot.data);
      if (s.index !== meta.index) throw new Error(`snapshot data index ${s.index} != metadata ${meta.index}`);
      n.sm = { index: meta.index, hash: s.hash, conf: meta.confState };
      this.checker.onSnapshotApplied(n.id, meta.index, s.hash);
      this.trace(`node ${n.id} applied snapshot ${meta.index}`);
    }
    for (const e of rd.committedEntries) {
      const hash = chain(n.sm.hash, entryKey(e));
      this.checker.onApply(n.id, n.sm.index, e, hash);
      n.sm.index = e.index;
      n.sm.hash = hash;
      this.stats.applied++;
      if (e.type === 'confChange') {
        const cc = decodeConfChange(e.data);
        n.sm.conf = raw.applyConfChange(cc);
        this.trace(`node ${n.id} applied ${cc.type} ${cc.nodeId} at ${e.index}`);
        if (cc.type === 'removeNode') n.removed.add(cc.nodeId);
        if (cc.type === 'removeNode' && cc.nodeId === n.id) {
          // A removed member shuts down (its last messages were already sent).
          this.stats.confChanges++;
          n.retired = true;
          n.crash();
          return;
        }
      }
    }
    for (const rs of rd.readStates) {
      const ctx = new TextDecoder().decode(rs.context);
      const pending = this.reads.get(ctx);
      if (pending === undefined) continue;
      this.reads.delete(ctx);
      this.checker.onRead(n.id, ctx, pending.floor, rs.index);
    }
  }

  // ---- Faults ----------------------------------------------------------------

  private leader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const n of this.nodes.values()) {
      const r = n.raw?.raft;
      if (r?.state === 'leader' && (best?.raw === undefined || r.term > best.raw.raft.term)) best = n;
    }
    return best;
  }

  private maybeChangePartition(): void {
    if (!this.rng.chance(this.partitionRate)) return;
    this.net.heal();
    this.stats.partitions++;
    const ids = [...this.nodes.values()].filter((n) => !n.retired).map((n) => n.id);
    const lead = this.leader()?.id ?? this.rng.pick(ids);
    const kind = this.rng.int(6);
    const others = (x: NodeId) => ids.filter((y) => y !== x);
    switch (kind) {
      case 0:
        this.trace('partition healed');
        return;
      case 1: {
        // Two random sides.
        const side = new Set(ids.filter(() => this.rng.chance(0.5)));
        for (const a of ids) for (const b of ids) if (side.has(a) !== side.has(b)) this.net.block(a, b);
        this.trace(`split ${[...side].join(',')} | rest`);
        return;
      }
      case 2:
        for (const o of others(lead)) {
          this.net.block(lead, o);
          this.net.block(o, lead);
        }
        this.trace(`leader ${lead} isolated`);
        return;
      case 3:
        // The leader can still send (followers keep hearing it) but hears nothing back.
        for (const o of others(lead)) this.net.block(o, lead);
        this.trace(`leader ${lead} deaf (asymmetric)`);
        return;
      case 4: {
        const x = this.rng.pick(ids);
        for (const o of others(x)) this.net.block(x, o);
        this.trace(`node ${x} mute (asymmetric)`);
        return;
      }
      case 5: {
        // A single cut link: a and b disagree about who is alive.
        const a = this.rng.pick(ids);
        const b = this.rng.pick(others(a));
        this.net.block(a, b);
        if (this.rng.chance(0.5)) this.net.block(b, a);
        this.trace(`link ${a}-${b} cut`);
        return;
      }
    }
  }

  private maybeCrashOrRestart(): void {
    for (const n of this.nodes.values()) {
      if (!n.up && !n.retired && this.rng.chance(0.08)) {
        n.start();
        this.trace(`node ${n.id} restarted`);
        this.handleReadies(n);
      }
    }
    if (!this.rng.chance(this.crashRate)) return;
    const up = this.upNodes();
    if (up.length === 0) return;
    const victim = this.rng.chance(0.4) ? (this.leader() ?? this.rng.pick(up)) : this.rng.pick(up);
    if (this.rng.chance(0.5)) {
      victim.crashAtNextReady = true;
    } else {
      victim.crash();
      this.stats.crashes++;
      this.trace(`node ${victim.id} crashed`);
    }
  }

  // ---- Clients ------------------------------------------------------------------

  private clientActions(): void {
    const up = this.upNodes();
    if (up.length === 0) return;
    if (this.rng.chance(this.proposeRate)) {
      const n = this.rng.pick(up);
      n.raw?.propose(new TextEncoder().encode(`w${++this.writeSeq}`));
      this.handleReadies(n);
    }
    if (this.rng.chance(this.readRate)) {
      const n = this.rng.pick(up);
      const ctx = `r${++this.readSeq}`;
      if (n.raw?.readIndex(new TextEncoder().encode(ctx)) === undefined) {
        this.reads.set(ctx, { node: n.id, floor: this.checker.maxApplied });
      }
      this.handleReadies(n);
    }
    const lead = this.leader();
    if (lead?.raw && this.rng.chance(this.confRate)) this.proposeConfChange(lead);
    if (lead?.raw && this.rng.chance(0.01)) {
      const voters = lead.raw.raft.membership.confState().voters.filter((v) => v !== lead.id);
      if (voters.length > 0) {
        const target = this.rng.pick(voters);
        lead.raw.transferLeader(target);
        this.stats.transfers++;
        this.trace(`transfer ${lead.id} -> ${target}`);
        this.handleReadies(lead);
      }
    }
    for (const n of up) if (this.rng.chance(this.compactRate)) this.compact(n);
  }

  private proposeConfChange(lead: SimNode): void {
    const raw = lead.raw;
    if (raw === undefined) return;
    const cs = raw.raft.membership.confState();
    const minVoters = this.opts.nodes === 3 ? 2 : 3;
    const choice = this.rng.int(3);
    let err;
    if (choice === 0 && cs.learners.length < 2 && this.nodes.size < this.opts.nodes + 6) {
      const id = this.nextId++;
      this.newNode(id).start();
      err = raw.proposeConfChange({ type: 'addLearner', nodeId: id });
      this.trace(`propose addLearner ${id}: ${err?.reason ?? 'ok'}`);
    } else if (choice === 1 && cs.learners.length > 0) {
      const id = this.rng.pick(cs.learners);
      err = raw.proposeConfChange({ type: 'addNode', nodeId: id });
      this.trace(`propose promote ${id}: ${err?.reason ?? 'ok'}`);
    } else if (choice === 2 && cs.voters.length > minVoters) {
      const id = this.rng.pick(cs.voters);
      err = raw.proposeConfChange({ type: 'removeNode', nodeId: id });
      this.trace(`propose removeNode ${id}: ${err?.reason ?? 'ok'}`);
    } else {
      return;
    }
    if (err === undefined) this.stats.confChanges++;
    this.handleReadies(lead);
  }

  /** The application snapshots its applied state and trims the log behind it. */
  private compact(n: SimNode): void {
    const applied = n.sm.index;
    const first = n.durable.firstIndex();
    if (applied - first < 4) return;
    const snap = n.durable.createSnapshot(applied, n.sm.conf, encodeSmSnapshot(n.sm));
    if (isStorageError(snap)) return;
    const upTo = applied - this.rng.int(3);
    if (upTo >= first) n.durable.compact(upTo);
  }

  // ---- Liveness -----------------------------------------------------------------

  /**
   * Heals everything and checks liveness:
   * 1. a leader is elected within LEADER_BOUND_TICKS;
   * 2. a write commits within LEADER_BOUND_TICKS + COMMIT_BOUND_TICKS plus
   *    two ticks per entry of uncommitted backlog (with the tightest flow
   *    control the simulator picks, one entry per message and one message in
   *    flight, a backlog drains at one entry per round trip);
   * 3. every live member applies it within CONVERGE_BOUND_TICKS (catch-up
   *    by log or snapshot does not stall).
   */
  private livenessPhase(): string | undefined {
    this.net.heal();
    this.net.faults = { dropRate: 0, dupRate: 0, maxDelay: 1 };
    for (const n of this.nodes.values()) n.crashAtNextReady = false;
    const members = this.currentMembers();
    for (const n of this.nodes.values()) {
      if (!n.up && !n.retired && members.has(n.id)) {
        n.start();
        this.handleReadies(n);
      }
    }
    let maxLast = 0;
    let maxCommit = 0;
    for (const n of this.upNodes()) {
      maxLast = Math.max(maxLast, n.raw?.raft.log.lastIndex() ?? 0);
      maxCommit = Math.max(maxCommit, n.raw?.raft.log.committed ?? 0);
    }
    const commitBound = COMMIT_BOUND_TICKS + 2 * (maxLast - maxCommit);
    let marker: string | undefined;
    let proposedAt = -1;
    let electedAt = 0;
    let committedAt = 0;
    for (let t = 1; t <= LEADER_BOUND_TICKS + commitBound + CONVERGE_BOUND_TICKS; t++) {
      this.now++;
      this.tickAndDeliver(1);
      const lead = this.leader();
      if (lead?.raw && electedAt === 0) {
        electedAt = t;
        this.stats.electionTicks = t;
      }
      if (lead?.raw) this.restartMembersOf(lead);
      if (electedAt === 0 && t > LEADER_BOUND_TICKS) {
        return `liveness: no leader within ${LEADER_BOUND_TICKS} ticks after healing`;
      }
      if (lead?.raw && committedAt === 0 && (marker === undefined || t - proposedAt > 40)) {
        // (Re)propose: a proposal may be lost if leadership moves right away.
        marker = `final${t}`;
        proposedAt = t;
        const err = lead.raw.propose(new TextEncoder().encode(marker));
        this.trace(`liveness: proposed ${marker} at ${lead.id}: ${err?.reason ?? 'ok'}`);
        this.handleReadies(lead);
      }
      const finalIndex = lead?.raw ? this.lastFinalIndex(lead) : 0;
      if (committedAt === 0 && finalIndex > 0) committedAt = t;
      if (committedAt === 0 && t > LEADER_BOUND_TICKS + commitBound) {
        return `liveness: no write committed within ${LEADER_BOUND_TICKS + commitBound} ticks of healing (leader ${lead?.id ?? 'none'})`;
      }
      if (committedAt > 0 && lead && this.allMembersApplied(lead, finalIndex)) {
        this.stats.livenessTicks = committedAt;
        return undefined;
      }
    }
    return `liveness: members did not all apply the committed write within ${CONVERGE_BOUND_TICKS} ticks of the commit`;
  }

  /** The configuration known to the most up-to-date live node. */
  private currentMembers(): Set<NodeId> {
    let best: SimNode | undefined;
    for (const n of this.nodes.values()) {
      if (n.retired) continue;
      if (best === undefined || n.sm.index > best.sm.index) best = n;
    }
    const cs = best?.sm.conf ?? { voters: [], learners: [] };
    return new Set([...cs.voters, ...cs.learners]);
  }

  /** A member added by a change that committed after healing may be down: start it. */
  private restartMembersOf(lead: SimNode): void {
    const cs = lead.raw?.raft.membership.confState();
    for (const id of [...(cs?.voters ?? []), ...(cs?.learners ?? [])]) {
      const n = this.nodes.get(id);
      if (n && !n.up && !n.retired) {
        n.start();
        this.handleReadies(n);
      }
    }
  }

  private allMembersApplied(lead: SimNode, index: number): boolean {
    const raw = lead.raw;
    if (raw === undefined || raw.raft.log.applied < index) return false;
    const cs = raw.raft.membership.confState();
    for (const id of [...cs.voters, ...cs.learners]) {
      const n = this.nodes.get(id);
      if (n?.raw === undefined || n.sm.index < index) return false;
    }
    return true;
  }

  /** Index of the latest committed "final" write in the leader's log, or 0. */
  private lastFinalIndex(lead: SimNode): number {
    const raw = lead.raw;
    if (raw === undefined) return 0;
    const log = raw.raft.log;
    const lo = Math.max(log.firstIndex(), log.committed - 200);
    const ents = log.slice(lo, log.committed + 1, Number.POSITIVE_INFINITY);
    if (isStorageError(ents)) return 0;
    for (let i = ents.length - 1; i >= 0; i--) {
      const e = ents[i];
      if (e.type === 'normal' && e.data.length > 5 && new TextDecoder().decode(e.data).startsWith('final')) return e.index;
    }
    return 0;
  }
}

export function runSimulation(opts: SimOptions): SimResult {
  return new Simulation(opts).run();
}

/** Seeds alternate between 3 and 5 nodes unless the node count is fixed. */
export function nodesForSeed(seed: number, fixed?: 3 | 5): 3 | 5 {
  return fixed ?? (seed % 2 === 0 ? 3 : 5);
}

export function describeFailure(r: SimResult): string {
  const unsafe = r.unsafe ? ' --unsafe' : '';
  return (
    `seed ${r.seed} (${r.nodes} nodes) ${r.kind ?? 'no'} failure: ${r.failure ?? ''}\n` +
    `  replay: npm run sim -- --seed ${r.seed} --nodes ${r.nodes}${unsafe}`
  );
}
