// The Raft thread's driver: ticks the pure core, feeds it messages and proposals, and runs its Ready
// loop, which persists (one fsync per Ready), then sends, then hands committed entries to the state
// machine on the main thread without waiting for them to be applied. Nothing here waits for the
// state machine except a snapshot install, during which ticks and messages still flow.
import type { Logger } from 'pino';
import type { Member } from '../cluster/member-store.js';
import { ConfChangeContext } from '../gen/raftkvpb.js';
import {
  decodeConfChange,
  RawNode,
  type Message,
  type ProgressStatus,
  type ProposeError as RaftProposeError,
  type Ready,
  type ReadyMessage,
  type ReadState,
} from '../raft/index.js';
import type { ConfState } from '../raft/types.js';
import type { CommittedEntry, ConsensusStatus, ProposeError } from '../server/consensus.js';
import type { RaftStorage } from '../storage/raft-storage.js';
import type { LatencySamples } from './latency-samples.js';
import type { Proposal } from './protocol.js';

/** The peer network as the loop uses it (implemented by transport/). */
export interface PeerNetwork {
  send(msgs: Message[]): void;
  sendSnapshot(msg: Message): void;
  addPeer(id: bigint, urls: string[]): void;
  removePeer(id: bigint): void;
}

/** The state machine on the other side of the thread boundary. */
export interface StateMachineLink {
  /** One pass of the loop's output: status changes, committed entries, answered reads. */
  ready(out: { status?: ConsensusStatus & { isLeader: boolean }; entries?: CommittedEntry[]; readStates?: ReadState[] }): void;
  /** Replaces the state machine with a snapshot's data; resolves once that is durable. */
  install(snap: { index: number; term: number; confState: ConfState }): Promise<void>;
  /** This member was removed from the cluster. */
  removed(graceMs: number): void;
}

export interface RaftLoopOptions {
  id: bigint;
  storage: RaftStorage;
  network: PeerNetwork;
  link: StateMachineLink;
  logger: Logger;
  heartbeatMs: number;
  electionMs: number;
  /** Entries kept behind the compaction point for followers that lag a little. */
  catchUpEntries: number;
  /** The state machine's applied index at start. */
  applied: number;
  /** Called when persisting fails: the loop cannot go on without breaking Raft's contract. */
  onFatal: (err: unknown) => void;
  random?: () => number;
  /** Fsync and heartbeat round-trip times, for /metrics. */
  samples?: Pick<LatencySamples, 'fsync' | 'sent' | 'received'>;
}

const MAX_SIZE_PER_MSG = 1024 * 1024;
const MAX_INFLIGHT_MSGS = 256;
const MAX_COMMITTED_PER_READY = 8 * 1024 * 1024;
/** Committed entries handed to the state machine and not yet applied, at most (bytes). */
const MAX_UNAPPLIED_BYTES = 64 * 1024 * 1024;

export function toProposeError(e: RaftProposeError): ProposeError {
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

/**
 * Resolves once the writes queued so far have reached the sockets: the transport flushes its
 * queues on the next turn (setImmediate) and Node's HTTP/2 session writes on the turn after
 * (a native immediate), so a synchronous fsync started sooner would hold them back.
 */
function afterPendingWrites(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

function sizeOf(entries: readonly CommittedEntry[]): number {
  let n = 0;
  for (const e of entries) n += e.data.length + 32;
  return n;
}

export class RaftLoop {
  private readonly node: RawNode;
  private ticker: NodeJS.Timeout | undefined;
  private scheduled = false;
  private running = false;
  private stopped = false;
  private lastStatus: (ConsensusStatus & { isLeader: boolean }) | undefined;
  /** The peers the network dials, and the URLs it was given for each. */
  private knownPeers = new Map<bigint, string>();
  /** Batches handed to the state machine and not yet applied: last index and bytes of each. */
  private readonly unapplied: { last: number; bytes: number }[] = [];
  private unappliedBytes = 0;
  /** The term and vote last written to the log. */
  private saved: { term: number; vote: bigint };

  constructor(private readonly opts: RaftLoopOptions) {
    const { hardState } = opts.storage.initialState();
    this.saved = { term: hardState.term, vote: hardState.vote };
    this.node = new RawNode({
      id: opts.id,
      electionTick: Math.max(2, Math.round(opts.electionMs / opts.heartbeatMs)),
      heartbeatTick: 1,
      storage: opts.storage,
      random: opts.random ?? Math.random,
      preVote: true,
      checkQuorum: true,
      maxSizePerMsg: MAX_SIZE_PER_MSG,
      maxInflightMsgs: MAX_INFLIGHT_MSGS,
      maxCommittedSizePerReady: MAX_COMMITTED_PER_READY,
      applied: opts.applied,
    });
  }

  start(): void {
    const o = this.opts;
    // Like etcd's initial election tick advance: the first election comes within one election
    // timeout's worth of randomness instead of after a full timeout plus that.
    for (let i = 1; i < Math.round(o.electionMs / o.heartbeatMs); i++) this.node.tick();
    this.ticker = setInterval(() => {
      this.node.tick();
      this.schedule();
      this.postIndexes();
    }, o.heartbeatMs);
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.ticker !== undefined) clearInterval(this.ticker);
  }

  /** Steps each proposal into the core; the result of each, in order. */
  propose(items: readonly Proposal[]): (ProposeError | undefined)[] {
    const results = items.map((p) => {
      if (this.stopped) return { kind: 'stopped' } as const;
      const err =
        p.kind === 'entry'
          ? this.node.propose(p.data)
          : p.kind === 'conf'
            ? this.node.proposeConfChange(p.cc)
            : this.transfer(p.target);
      return err === undefined ? undefined : 'kind' in err ? err : toProposeError(err);
    });
    this.schedule();
    return results;
  }

  private transfer(target: bigint): RaftProposeError | ProposeError | undefined {
    if (this.node.basicStatus().state !== 'leader') return { kind: 'not_leader' };
    return this.node.transferLeader(target);
  }

  readIndex(ctx: Uint8Array): ProposeError | undefined {
    if (this.stopped) return { kind: 'stopped' };
    const err = this.node.readIndex(ctx);
    if (err !== undefined) return toProposeError(err);
    this.schedule();
    return undefined;
  }

  /** The state machine applied everything up to `index`: release the entries held back for it. */
  applied(index: number): void {
    while (this.unapplied.length > 0 && this.unapplied[0]!.last <= index) this.unappliedBytes -= this.unapplied.shift()!.bytes;
    this.schedule();
  }

  /** The state machine holds everything up to `index` durably: drop the log below it, less a tail. */
  durable(index: number): void {
    const upTo = index - this.opts.catchUpEntries;
    if (upTo >= this.opts.storage.firstIndex()) this.opts.storage.compact(upTo);
  }

  /** Leader only: how far each member's log matches ours. */
  progress(): Map<bigint, ProgressStatus> | undefined {
    return this.node.status().progress;
  }

  /**
   * Points the network at every other member, at the URLs the applied membership gives (a member
   * update re-points every member when it applies), and at no one else. Peers whose URLs did not
   * change keep their connections.
   */
  syncPeers(members: readonly Pick<Member, 'id' | 'peerUrls'>[]): void {
    const current = new Map<bigint, string>();
    for (const m of members) {
      if (m.id === this.opts.id) continue;
      const key = m.peerUrls.join(',');
      current.set(m.id, key);
      if (this.knownPeers.get(m.id) !== key) this.opts.network.addPeer(m.id, m.peerUrls);
    }
    for (const id of this.knownPeers.keys()) if (!current.has(id)) this.opts.network.removePeer(id);
    this.knownPeers = current;
  }

  // ---- inbound from the transport ----

  step(msgs: readonly Message[]): void {
    if (this.stopped) return;
    this.opts.samples?.received(msgs, performance.now());
    for (const m of msgs) this.node.step(m);
    this.schedule();
  }

  reportUnreachable(id: bigint): void {
    this.node.reportUnreachable(id);
    this.schedule();
  }

  reportSnapshot(id: bigint, ok: boolean): void {
    this.node.reportSnapshot(id, ok);
    this.schedule();
  }

  // ---- the Ready loop ----

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => void this.process());
  }

  private mayApply(): boolean {
    return this.unappliedBytes < MAX_UNAPPLIED_BYTES;
  }

  private async process(): Promise<void> {
    this.scheduled = false;
    // A pass that awaits a snapshot install holds the loop; it picks up what arrived meanwhile.
    if (this.running || this.stopped) return;
    this.running = true;
    const node = this.node;
    try {
      while (!this.stopped && node.hasReady(this.mayApply())) {
        const rd = node.ready(this.mayApply());
        await this.handleReady(rd);
        node.advance(rd);
        this.campaignIfAlone();
      }
    } catch (err) {
      this.stop();
      this.opts.onFatal(err);
    } finally {
      this.running = false;
    }
  }

  private async handleReady(rd: Ready): Promise<void> {
    const o = this.opts;
    if (rd.snapshot !== undefined) {
      // The state machine is replaced first and made durable, then the log restarts after it.
      const { index, term, confState } = rd.snapshot.metadata;
      await o.link.install({ index, term, confState });
      o.storage.applySnapshot(index, term);
    }
    // Messages that speak for no durable state (the leader's MsgApp and heartbeats: it counts
    // itself towards a commit only once its entries are durable, at advance) leave before the
    // write, so followers write to their disks while this member writes to its own. Not when this
    // Ready changes the term or vote: nothing may carry a term this member could forget.
    const hs = rd.hardState;
    const termKept = hs === undefined || (hs.term === this.saved.term && hs.vote === this.saved.vote);
    const early = rd.snapshot === undefined && termKept ? rd.messages.filter((m) => !m.afterPersist) : [];
    if (early.length > 0) {
      this.send(early);
      if (rd.mustSync) await afterPendingWrites();
    }
    // Entries committed before this Ready are already durable: the state machine may have them
    // while the commit index itself is written (it needs no fsync; Raft can recover it).
    const applyFirst = !rd.mustSync && rd.snapshot === undefined;
    if (applyFirst) this.report(rd, rd.committedEntries.length > 0 ? this.handOut(rd.committedEntries) : undefined);
    // Persist before anything that depends on it leaves this member.
    const t0 = performance.now();
    o.storage.save(rd.hardState, rd.entries, rd.mustSync);
    if (rd.mustSync) o.samples?.fsync((performance.now() - t0) / 1000);
    if (hs !== undefined) this.saved = { term: hs.term, vote: hs.vote };
    this.send(early.length > 0 ? rd.messages.filter((m) => m.afterPersist) : rd.messages);
    if (!applyFirst) this.report(rd, rd.committedEntries.length > 0 ? this.handOut(rd.committedEntries) : undefined);
  }

  private send(messages: readonly ReadyMessage[]): void {
    const plain: Message[] = [];
    for (const { message } of messages) {
      if (message.type === 'MsgSnap') this.opts.network.sendSnapshot(message);
      else plain.push(message);
    }
    if (plain.length === 0) return;
    this.opts.samples?.sent(plain, performance.now());
    this.opts.network.send(plain);
  }

  /**
   * Hands the state machine what this Ready changed for it. A change of leader, term or role goes
   * at once; a change of the last or commit index alone rides with the next entries or read
   * states (or the next tick), which saves the main thread a message and a wake-up per write.
   */
  private report(rd: Ready, entries: CommittedEntry[] | undefined): void {
    const payload = entries !== undefined || rd.readStates.length > 0;
    const status = this.statusChange(rd, payload);
    if (status !== undefined || payload) {
      this.opts.link.ready({ status, entries, readStates: rd.readStates.length > 0 ? rd.readStates : undefined });
    }
  }

  /** On each tick: indexes that changed without a message to carry them (status() stays that fresh). */
  private postIndexes(): void {
    if (this.stopped || this.running) return;
    const s = this.node.basicStatus();
    const prev = this.lastStatus;
    if (prev === undefined || (prev.lastIndex === s.lastIndex && prev.commitIndex === s.commit)) return;
    this.lastStatus = { ...prev, lastIndex: s.lastIndex, commitIndex: s.commit };
    this.opts.link.ready({ status: this.lastStatus });
  }

  /** Committed entries go to the state machine; conf changes take effect in the core and the network now. */
  private handOut(committed: Ready['committedEntries']): CommittedEntry[] {
    const batch: CommittedEntry[] = committed.map((e) => ({ index: e.index, term: e.term, type: e.type, data: e.data }));
    const bytes = sizeOf(batch);
    this.unapplied.push({ last: batch[batch.length - 1]!.index, bytes });
    this.unappliedBytes += bytes;
    for (const e of committed) {
      if (e.type !== 'confChange') continue;
      const cc = decodeConfChange(e.data);
      this.node.applyConfChange(cc);
      const member = cc.context === undefined ? undefined : ConfChangeContext.decode(cc.context).member;
      if (cc.nodeId === this.opts.id) {
        if (cc.type === 'removeNode') {
          this.opts.logger.warn('this member was removed from the cluster');
          // It keeps answering Raft for a while (as etcd's stopWithDelay does) so the others can
          // learn that the removal committed.
          this.opts.link.removed(2 * this.opts.electionMs);
        }
        continue;
      }
      if (cc.type === 'removeNode') {
        this.opts.network.removePeer(cc.nodeId);
        this.knownPeers.delete(cc.nodeId);
      } else if (member !== undefined && this.knownPeers.get(cc.nodeId) !== member.peerURLs.join(',')) {
        this.opts.network.addPeer(cc.nodeId, member.peerURLs);
        this.knownPeers.set(cc.nodeId, member.peerURLs.join(','));
      }
    }
    return batch;
  }

  /** The status to post, when it changed: a change of the indexes alone counts only `withIndexes`. */
  private statusChange(rd: Ready, withIndexes: boolean): (ConsensusStatus & { isLeader: boolean }) | undefined {
    const s = this.node.basicStatus();
    const next = { id: this.opts.id, leader: s.lead, term: s.term, lastIndex: s.lastIndex, commitIndex: s.commit, isLeader: s.state === 'leader' };
    const prev = this.lastStatus;
    if (rd.softState !== undefined && s.lead !== prev?.leader) {
      this.opts.logger.info({ leader: s.lead.toString(16), term: s.term }, s.lead === 0n ? 'leader lost' : 'leader elected');
    }
    if (
      prev !== undefined &&
      prev.leader === next.leader &&
      prev.term === next.term &&
      prev.isLeader === next.isLeader &&
      (!withIndexes || (prev.lastIndex === next.lastIndex && prev.commitIndex === next.commitIndex))
    ) {
      return undefined;
    }
    this.lastStatus = next;
    return next;
  }

  /** A member that is the only voter has no one to wait for: it elects itself at once. */
  private campaignIfAlone(): void {
    if (this.node.basicStatus().lead !== 0n) return;
    const s = this.node.status();
    const voters = s.config.voters;
    if (voters.length !== 1 || voters[0] !== this.opts.id) return;
    if (s.state === 'follower' || s.state === 'pre-candidate') this.node.campaign();
  }
}
