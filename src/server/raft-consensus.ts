import type { Logger } from 'pino';
import { ConfChangeContext } from '../gen/raftkvpb.js';
import {
  decodeConfChange,
  RawNode,
  type ConfChange,
  type Message,
  type ProposeError as RaftProposeError,
  type Ready,
  type Snapshot,
} from '../raft/index.js';
import type { RaftStorage } from '../storage/raft-storage.js';
import type { CommittedEntry, Consensus, ConsensusStatus, ProposeError, ReadIndexResult, StateMachineHost } from './consensus.js';
import { ReadRounds } from './read-rounds.js';

/** What the network delivers to this member (transport/ calls these). */
export interface PeerInbound {
  onMessages(msgs: Message[]): void;
  onSnapshot(msg: Message): void;
  onUnreachable(id: bigint): void;
  onSnapshotStatus(id: bigint, ok: boolean): void;
}

/** The peer network as the consensus layer uses it (implemented by transport/). */
export interface PeerNetwork {
  send(msgs: Message[]): void;
  sendSnapshot(msg: Message): void;
  addPeer(id: bigint, urls: string[]): void;
  updatePeer(id: bigint, urls: string[]): void;
  removePeer(id: bigint): void;
}

export interface RaftConsensusOptions {
  id: bigint;
  storage: RaftStorage;
  network: PeerNetwork;
  logger: Logger;
  heartbeatMs: number;
  electionMs: number;
  /** Applied entries between log compactions. */
  snapshotCount: number;
  /** Entries kept behind the compaction point for followers that lag a little. */
  catchUpEntries: number;
  /** Called once this member has applied its own removal from the cluster. */
  onRemoved: () => void;
  /**
   * Called when persisting or applying failed (e.g. a disk error). The Ready loop cannot go on
   * without breaking Raft's contract, so the member must stop; a restart replays from the log.
   */
  onFatal: (err: unknown) => void;
  random?: () => number;
}

const MAX_SIZE_PER_MSG = 1024 * 1024;
const MAX_INFLIGHT_MSGS = 256;
const MAX_COMMITTED_PER_READY = 8 * 1024 * 1024;

function toProposeError(e: RaftProposeError): ProposeError {
  switch (e.reason) {
    case 'no-leader':
      return { kind: 'no_leader' };
    case 'not-leader':
      return { kind: 'not_leader' };
    case 'not-a-member':
      return { kind: 'stopped' };
    case 'leader-transferring':
    case 'conf-change-pending':
      return { kind: 'busy' };
  }
}

// Drives the pure Raft core: ticks it, feeds it messages, and runs its Ready loop, which persists
// (one fsync per Ready), then sends, then applies, then advances. Events that arrive in the same
// event-loop turn are handled by one pass of the loop, so concurrent proposals share an fsync.
export class RaftConsensus implements Consensus {
  private node: RawNode | undefined;
  private host: StateMachineHost | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private scheduled = false;
  private stopped = false;
  private leader = 0n;
  private isLeader = false;
  private leaderWaiters: (() => void)[] = [];
  private readonly reads: ReadRounds;
  private lastCompaction = 0;
  private cachedSnapshot: Snapshot | undefined;
  private knownPeers = new Set<bigint>();

  constructor(private readonly opts: RaftConsensusOptions) {
    this.reads = new ReadRounds((ctx) => {
      const node = this.node;
      if (node === undefined || this.stopped) return { kind: 'stopped' };
      const err = node.readIndex(ctx);
      if (err !== undefined) return toProposeError(err);
      this.schedule();
      return undefined;
    }, 2 * opts.electionMs);
  }

  start(host: StateMachineHost): void {
    this.host = host;
    const o = this.opts;
    const applied = host.appliedIndex();
    this.lastCompaction = applied;
    this.node = new RawNode({
      id: o.id,
      electionTick: Math.max(2, Math.round(o.electionMs / o.heartbeatMs)),
      heartbeatTick: 1,
      storage: o.storage,
      random: o.random ?? Math.random,
      preVote: true,
      checkQuorum: true,
      maxSizePerMsg: MAX_SIZE_PER_MSG,
      maxInflightMsgs: MAX_INFLIGHT_MSGS,
      maxCommittedSizePerReady: MAX_COMMITTED_PER_READY,
      applied,
    });
    this.syncPeers(host);
    // Like etcd's initial election tick advance: the first election comes within one election
    // timeout's worth of randomness instead of after a full timeout plus that.
    for (let i = 1; i < Math.round(o.electionMs / o.heartbeatMs); i++) this.node.tick();
    this.ticker = setInterval(() => {
      this.node?.tick();
      this.schedule();
    }, o.heartbeatMs);
    this.schedule();
  }

  propose(data: Uint8Array): ProposeError | undefined {
    return this.submit((node) => node.propose(data));
  }

  proposeConfChange(cc: ConfChange): ProposeError | undefined {
    return this.submit((node) => node.proposeConfChange(cc));
  }

  transferLeader(target: bigint): ProposeError | undefined {
    if (!this.stopped && !this.isLeader) return { kind: 'not_leader' };
    return this.submit((node) => node.transferLeader(target));
  }

  /** Hands one input to the core and schedules the Ready loop for it. */
  private submit(input: (node: RawNode) => RaftProposeError | undefined): ProposeError | undefined {
    if (this.stopped || this.node === undefined) return { kind: 'stopped' };
    const err = input(this.node);
    if (err !== undefined) return toProposeError(err);
    this.schedule();
    return undefined;
  }

  waitForLeader(timeoutMs: number): Promise<boolean> {
    if (this.leader !== 0n) return Promise.resolve(true);
    if (this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve(this.leader !== 0n);
      };
      const timer = setTimeout(() => {
        this.leaderWaiters = this.leaderWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      this.leaderWaiters.push(done);
    });
  }

  readIndex(): Promise<ReadIndexResult> {
    if (this.stopped) return Promise.resolve({ ok: false, error: { kind: 'stopped' } });
    return new Promise((resolve) => {
      this.reads.add(resolve);
      // Without a leader the round waits; onLeader starts it once there is one.
      if (this.leader !== 0n) this.reads.pump();
    });
  }

  status(): ConsensusStatus {
    const s = this.node?.status();
    return {
      id: this.opts.id,
      leader: this.leader,
      term: s?.term ?? 0,
      lastIndex: s?.lastIndex ?? this.opts.storage.lastIndex(),
      commitIndex: s?.commit ?? 0,
    };
  }

  /** Leader only: how far each member's log matches ours. */
  progress(): Map<bigint, { match: number; isLearner: boolean }> | undefined {
    return this.node?.status().progress;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.ticker !== undefined) clearInterval(this.ticker);
    this.reads.fail({ kind: 'stopped' }, true);
    for (const w of this.leaderWaiters) w();
    this.leaderWaiters = [];
  }

  /** Member URLs changed outside a conf change (MemberUpdate): re-point the network. */
  refreshPeers(): void {
    if (this.host !== undefined) this.syncPeers(this.host);
  }

  // ---- inbound from the transport ----

  readonly inbound: PeerInbound = {
    onMessages: (msgs) => {
      if (this.stopped || this.node === undefined) return;
      for (const m of msgs) this.node.step(m);
      this.schedule();
    },
    onSnapshot: (msg) => this.inbound.onMessages([msg]),
    onUnreachable: (id) => {
      this.node?.reportUnreachable(id);
      this.schedule();
    },
    onSnapshotStatus: (id, ok) => {
      this.node?.reportSnapshot(id, ok);
      this.schedule();
    },
  };

  // ---- the Ready loop ----

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => this.process());
  }

  private process(): void {
    this.scheduled = false;
    const node = this.node;
    const host = this.host;
    if (node === undefined || host === undefined || this.stopped) return;
    try {
      while (node.hasReady()) {
        const rd = node.ready();
        this.handleReady(rd, node, host);
        node.advance(rd);
        if (this.stopped) return;
        this.campaignIfAlone(node, host);
      }
      this.maybeCompact(host);
    } catch (err) {
      this.stopped = true;
      if (this.ticker !== undefined) clearInterval(this.ticker);
      this.opts.onFatal(err);
    }
  }

  private handleReady(rd: Ready, node: RawNode, host: StateMachineHost): void {
    const o = this.opts;
    if (rd.softState !== undefined) this.onLeader(rd.softState.lead, rd.softState.state === 'leader', host);
    if (rd.snapshot !== undefined) {
      // The state machine is replaced first and made durable, then the log restarts after it.
      host.restore(rd.snapshot);
      o.storage.applySnapshot(rd.snapshot.metadata.index, rd.snapshot.metadata.term);
      this.lastCompaction = rd.snapshot.metadata.index;
      this.syncPeers(host);
    }
    // Persist before anything that depends on it leaves this member.
    o.storage.save(rd.hardState, rd.entries, rd.mustSync);
    const plain: Message[] = [];
    for (const { message } of rd.messages) {
      if (message.type === 'MsgSnap') o.network.sendSnapshot(message);
      else plain.push(message);
    }
    if (plain.length > 0) o.network.send(plain);
    if (rd.committedEntries.length > 0) this.applyEntries(rd.committedEntries, node, host);
    for (const rs of rd.readStates) this.reads.answer(rs);
  }

  private applyEntries(entries: Ready['committedEntries'], node: RawNode, host: StateMachineHost): void {
    const batch: CommittedEntry[] = entries.map((e) => ({ index: e.index, term: e.term, type: e.type, data: e.data }));
    host.apply(batch);
    for (const e of entries) {
      if (e.type !== 'confChange') continue;
      const cc = decodeConfChange(e.data);
      node.applyConfChange(cc);
      const member = cc.context === undefined ? undefined : ConfChangeContext.decode(cc.context).member;
      if (cc.nodeId === this.opts.id) {
        if (cc.type === 'removeNode') {
          this.opts.logger.warn('this member was removed from the cluster');
          this.opts.onRemoved();
        }
        continue;
      }
      if (cc.type === 'removeNode') {
        this.opts.network.removePeer(cc.nodeId);
        this.knownPeers.delete(cc.nodeId);
      } else if (member !== undefined) {
        this.opts.network.addPeer(cc.nodeId, member.peerURLs);
        this.knownPeers.add(cc.nodeId);
      }
    }
  }

  /** A member that is the only voter has no one to wait for: it elects itself at once. */
  private campaignIfAlone(node: RawNode, host: StateMachineHost): void {
    if (this.leader !== 0n) return;
    const conf = host.confState();
    if (conf.voters.length !== 1 || conf.voters[0] !== this.opts.id) return;
    const state = node.status().state;
    if (state === 'follower' || state === 'pre-candidate') node.campaign();
  }

  /** Points the network at every other member the state machine knows, and at no one else. */
  private syncPeers(host: StateMachineHost): void {
    const current = new Set<bigint>();
    for (const p of host.peers()) {
      if (p.id === this.opts.id) continue;
      current.add(p.id);
      this.opts.network.addPeer(p.id, p.peerUrls);
    }
    for (const id of this.knownPeers) if (!current.has(id)) this.opts.network.removePeer(id);
    this.knownPeers = current;
  }

  private onLeader(lead: bigint, isLeader: boolean, host: StateMachineHost): void {
    if (lead !== this.leader) this.opts.logger.info({ leader: lead.toString(16) }, lead === 0n ? 'leader lost' : 'leader elected');
    this.leader = lead;
    if (isLeader !== this.isLeader) {
      this.isLeader = isLeader;
      host.leadershipChanged(isLeader);
    }
    if (lead !== 0n && this.leaderWaiters.length > 0) {
      const ws = this.leaderWaiters;
      this.leaderWaiters = [];
      for (const w of ws) w();
    }
    // A read round in flight under a lost leader will never be answered.
    if (lead === 0n) this.reads.fail({ kind: 'no_leader' }, false);
    else this.reads.pump();
  }

  /** Drops log entries the state machine holds durably, keeping a tail for lagging followers. */
  private maybeCompact(host: StateMachineHost): void {
    const applied = host.appliedIndex();
    if (applied - this.lastCompaction < this.opts.snapshotCount) return;
    host.checkpoint();
    const upTo = applied - this.opts.catchUpEntries;
    if (upTo >= this.opts.storage.firstIndex()) this.opts.storage.compact(upTo);
    this.lastCompaction = applied;
    this.cachedSnapshot = undefined;
  }

  /** A snapshot for a lagging follower, reused while it still covers the compaction point. */
  snapshotForStorage(host: StateMachineHost): ReturnType<StateMachineHost['snapshot']> {
    const cached = this.cachedSnapshot;
    if (cached !== undefined && cached.metadata.index >= this.opts.storage.firstIndex() - 1) return cached;
    const s = host.snapshot();
    if ('metadata' in s) this.cachedSnapshot = s;
    return s;
  }
}
