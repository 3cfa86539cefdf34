import { validateConfig, type RaftConfig } from './config.js';
import { entriesSize } from './entry-size.js';
import { dropped, isStorageError, type ProposeError } from './errors.js';
import { RaftLog } from './log.js';
import { Membership } from './membership.js';
import { isTransferContext, newMessage, TRANSFER_CONTEXT } from './message.js';
import { Progress } from './progress.js';
import { committedIndex, voteResult, type VoteResult } from './quorum.js';
import { decodeRound, encodeRound, ReadIndexTracker, type PendingRead } from './read-index.js';
import type {
  ConfChange,
  ConfState,
  Entry,
  EntryType,
  HardState,
  Message,
  MessageType,
  NodeId,
  ReadState,
  Snapshot,
  SoftState,
  StateType,
} from './types.js';
import { NONE } from './types.js';

/** A proposal before the leader assigns it an index and term. */
export interface ProposedEntry {
  type: EntryType;
  data: Uint8Array;
}

type MessageFields = { type: MessageType; to: NodeId } & Partial<Message>;

/** Types that travel without a term: requests handled like local input. */
const TERMLESS: ReadonlySet<MessageType> = new Set<MessageType>(['MsgProp', 'MsgReadIndex', 'MsgTransferLeader']);

/**
 * The Raft state machine. Pure: it reacts to tick(), step() and the local
 * requests, and accumulates messages and read states for RawNode to hand out
 * in a Ready. It never performs I/O and takes randomness only from its config.
 */
export class Raft {
  readonly id: NodeId;
  term = 0;
  vote: NodeId = NONE;
  lead: NodeId = NONE;
  state: StateType = 'follower';
  readonly log: RaftLog;
  membership: Membership;
  /** The leader's view of every member (empty on other roles). */
  readonly progress = new Map<NodeId, Progress>();
  private readonly votes = new Map<NodeId, boolean>();
  private msgs: Message[] = [];
  private readStates: ReadState[] = [];

  private readonly electionTimeout: number;
  private readonly heartbeatTimeout: number;
  private randomizedElectionTimeout = 0;
  private electionElapsed = 0;
  private heartbeatElapsed = 0;

  private readonly random: () => number;
  private readonly preVote: boolean;
  private readonly checkQuorum: boolean;
  private readonly maxSizePerMsg: number;
  private readonly maxInflight: number;
  private readonly maxInflightBytes: number;
  private readonly forwardProposals: boolean;
  private readonly unsafeCommitOldTerms: boolean;

  /** Target of an ongoing leadership transfer. */
  leadTransferee: NodeId = NONE;
  /** Index of the last conf change the leader may have appended; see propose. */
  pendingConfIndex = 0;
  private readonly reads = new ReadIndexTracker();
  /** Reads that arrived before this leader committed an entry of its term. */
  private readsAwaitingCommit: Array<{ from: NodeId; context: Uint8Array }> = [];
  /** New entries to replicate / a commit index to spread, sent at flush(). */
  private appendPending = false;
  private commitPending = false;

  constructor(cfg: RaftConfig) {
    validateConfig(cfg);
    this.id = cfg.id;
    this.electionTimeout = cfg.electionTick;
    this.heartbeatTimeout = cfg.heartbeatTick;
    this.random = cfg.random;
    this.preVote = cfg.preVote;
    this.checkQuorum = cfg.checkQuorum;
    this.maxSizePerMsg = cfg.maxSizePerMsg;
    this.maxInflight = cfg.maxInflightMsgs;
    this.maxInflightBytes = cfg.maxInflightBytes ?? 0;
    this.forwardProposals = !cfg.disableProposalForwarding;
    this.unsafeCommitOldTerms = cfg.unsafeCommitOldTerms ?? false;

    this.log = new RaftLog(cfg.storage);
    const { hardState, confState } = cfg.storage.initialState();
    this.membership = new Membership(confState);
    if (hardState.commit > 0) this.log.commitTo(Math.max(hardState.commit, this.log.committed));
    // The state machine may hold entries whose (lazily written) commit index was lost: they were
    // committed, or they would not have been applied.
    if (cfg.applied !== undefined && cfg.applied > this.log.committed && cfg.applied <= this.log.lastIndex()) this.log.commitTo(cfg.applied);
    if (cfg.applied !== undefined && cfg.applied > this.log.applied) this.log.appliedTo(cfg.applied);
    this.becomeFollower(hardState.term, NONE);
    this.vote = hardState.vote;
  }

  // ---- State accessors -------------------------------------------------

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  softState(): SoftState {
    return { lead: this.lead, state: this.state };
  }

  confState(): ConfState {
    return this.membership.confState();
  }

  takeMessages(): Message[] {
    const out = this.msgs;
    this.msgs = [];
    return out;
  }

  hasMessages(): boolean {
    return this.msgs.length > 0;
  }

  takeReadStates(): ReadState[] {
    const out = this.readStates;
    this.readStates = [];
    return out;
  }

  hasReadStates(): boolean {
    return this.readStates.length > 0;
  }

  /** A voter that may campaign: a learner or removed node never does. */
  promotable(): boolean {
    return this.membership.isVoter(this.id) && this.log.unstable.snapshot === undefined;
  }

  // ---- Role transitions ------------------------------------------------

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = this.electionTimeout + Math.floor(this.random() * this.electionTimeout);
    this.leadTransferee = NONE;
    this.votes.clear();
    this.progress.clear();
    this.pendingConfIndex = 0;
    this.reads.reset();
    this.readsAwaitingCommit = [];
    this.appendPending = false;
    this.commitPending = false;
  }

  becomeFollower(term: number, lead: NodeId): void {
    this.reset(term);
    this.lead = lead;
    this.state = 'follower';
  }

  private becomePreCandidate(): void {
    if (this.state === 'leader') throw new Error('raft: leader cannot become pre-candidate');
    // The term and vote stay: a pre-vote changes nothing durable.
    this.votes.clear();
    this.lead = NONE;
    this.state = 'pre-candidate';
  }

  private becomeCandidate(): void {
    if (this.state === 'leader') throw new Error('raft: leader cannot become candidate');
    this.reset(this.term + 1);
    this.vote = this.id;
    this.state = 'candidate';
  }

  private becomeLeader(): void {
    if (this.state === 'follower') throw new Error('raft: follower cannot become leader directly');
    this.reset(this.term);
    this.lead = this.id;
    this.state = 'leader';
    const next = this.log.lastIndex() + 1;
    for (const id of this.membership.members()) this.progress.set(id, this.newProgress(id, next));
    const self = this.progress.get(this.id);
    if (self) {
      self.match = this.log.persisted;
      self.recentActive = true;
      self.becomeReplicate();
    }
    // An empty entry of the new term: committing it commits everything
    // before it (§5.4.2) and unlocks ReadIndex and conf changes.
    this.appendEntries([{ type: 'normal', data: new Uint8Array(0) }]);
    // No conf change until everything up to the empty entry is applied, so
    // the leader has committed an entry of its own term before the next one.
    this.pendingConfIndex = this.log.lastIndex();
  }

  private newProgress(id: NodeId, next: number): Progress {
    return new Progress(next, this.maxInflight, this.maxInflightBytes, !this.membership.isVoter(id));
  }

  // ---- Ticks -------------------------------------------------------------

  tick(): void {
    if (this.state === 'leader') this.tickHeartbeat();
    else this.tickElection();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.hup(false);
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTimeout) {
      this.electionElapsed = 0;
      if (this.checkQuorum && !this.quorumActive()) {
        this.becomeFollower(this.term, NONE);
        return;
      }
      // A transfer that did not finish within an election timeout is abandoned.
      if (this.leadTransferee !== NONE) this.leadTransferee = NONE;
    }
    if (this.heartbeatElapsed >= this.heartbeatTimeout) {
      this.heartbeatElapsed = 0;
      if (this.reads.hasUnassigned()) this.reads.startRound();
      this.bcastHeartbeat();
    }
  }

  /** Check-quorum: did a quorum of voters talk to us since the last check? */
  private quorumActive(): boolean {
    let active = 0;
    for (const id of this.membership.voters) {
      const pr = this.progress.get(id);
      if (id === this.id || pr?.recentActive) active++;
    }
    for (const [id, pr] of this.progress) if (id !== this.id) pr.recentActive = false;
    return active >= Math.floor(this.membership.voters.size / 2) + 1;
  }

  // ---- Elections -----------------------------------------------------------

  /** Starts an election (pre-vote first if enabled) unless that would be unsafe. */
  hup(transfer: boolean): void {
    if (this.state === 'leader' || !this.promotable()) return;
    // A node that has not applied a committed conf change may be using a
    // stale configuration; it must not count votes with it.
    if (this.hasUnappliedConfChange()) return;
    if (this.preVote && !transfer) this.campaign('pre', false);
    else this.campaign('elect', transfer);
  }

  private hasUnappliedConfChange(): boolean {
    const lo = Math.max(this.log.applied + 1, this.log.firstIndex());
    if (this.log.committed < lo) return false;
    const ents = this.log.slice(lo, this.log.committed + 1, Number.POSITIVE_INFINITY);
    if (isStorageError(ents)) throw new Error(`raft: cannot read committed entries: ${ents.error}`);
    return ents.some((e) => e.type === 'confChange');
  }

  private campaign(kind: 'pre' | 'elect', transfer: boolean): void {
    let voteType: MessageType;
    let voteTerm: number;
    if (kind === 'pre') {
      this.becomePreCandidate();
      voteType = 'MsgPreVote';
      voteTerm = this.term + 1;
    } else {
      this.becomeCandidate();
      voteType = 'MsgVote';
      voteTerm = this.term;
    }
    if (this.poll(this.id, true) === 'won') {
      // A single-voter cluster wins at once.
      if (kind === 'pre') this.campaign('elect', transfer);
      else this.becomeLeader();
      return;
    }
    const lastIndex = this.log.lastIndex();
    const lastTerm = this.log.lastTerm();
    for (const id of this.membership.members()) {
      if (id === this.id || !this.membership.isVoter(id)) continue;
      this.send({
        type: voteType,
        to: id,
        term: voteTerm,
        index: lastIndex,
        logTerm: lastTerm,
        context: transfer ? TRANSFER_CONTEXT : undefined,
      });
    }
  }

  private poll(id: NodeId, granted: boolean): VoteResult {
    if (!this.votes.has(id)) this.votes.set(id, granted);
    return voteResult(this.membership.voters, this.votes);
  }

  // ---- Message handling -------------------------------------------------

  /** Feeds one message. Returns an error only for local requests that were dropped. */
  step(m: Message): ProposeError | undefined {
    if (TERMLESS.has(m.type) && m.term === 0) {
      // Local request or one forwarded by a peer; handled in the current term.
    } else if (m.term > this.term) {
      if (m.type === 'MsgVote' || m.type === 'MsgPreVote') {
        // Leader lease: with check-quorum, a node that heard from a leader
        // within the election timeout ignores (pre-)votes from nodes that
        // could not hear it, so a partitioned node cannot depose a healthy
        // leader. A transfer campaign is explicitly requested by the leader.
        const inLease = this.checkQuorum && this.lead !== NONE && this.electionElapsed < this.electionTimeout;
        if (inLease && !isTransferContext(m.context)) return undefined;
      }
      if (m.type === 'MsgPreVote') {
        // Never change the term for a pre-vote.
      } else if (m.type === 'MsgPreVoteResp' && !m.reject) {
        // The granted pre-vote carries the future term; we move there when we win.
      } else if (m.type === 'MsgApp' || m.type === 'MsgHeartbeat' || m.type === 'MsgSnap') {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, NONE);
      }
    } else if (m.term < this.term) {
      if ((this.checkQuorum || this.preVote) && (m.type === 'MsgHeartbeat' || m.type === 'MsgApp')) {
        // A stale leader would otherwise never learn our term: with check
        // quorum or pre-vote its followers ignore it without ever voting, and
        // a node stuck at a higher term could never rejoin. Tell it.
        this.send({ type: 'MsgAppResp', to: m.from });
      } else if (m.type === 'MsgPreVote' || m.type === 'MsgVote') {
        // Reject with our term (§5.1) so the candidate catches up. Without
        // this, a candidate at a lower term could wait forever on a voter
        // whose stale configuration never sends it anything.
        const type = m.type === 'MsgVote' ? 'MsgVoteResp' : 'MsgPreVoteResp';
        this.send({ type, to: m.from, term: this.term, reject: true });
        if (this.log.isUpToDate(m.index, m.logTerm)) this.deferCampaign();
      }
      return undefined;
    }

    if (m.type === 'MsgVote' || m.type === 'MsgPreVote') {
      this.handleVoteRequest(m);
      return undefined;
    }
    switch (this.state) {
      case 'leader':
        return this.stepLeader(m);
      case 'candidate':
      case 'pre-candidate':
        return this.stepCandidate(m);
      case 'follower':
        return this.stepFollower(m);
    }
  }

  private handleVoteRequest(m: Message): void {
    const respType: MessageType = m.type === 'MsgVote' ? 'MsgVoteResp' : 'MsgPreVoteResp';
    // We may vote for the same candidate again (a retried request), for a
    // new candidate if we have neither voted nor seen a leader this term, and
    // grant any pre-vote for a future term.
    const canVote =
      this.vote === m.from ||
      (this.vote === NONE && this.lead === NONE) ||
      (m.type === 'MsgPreVote' && m.term > this.term);
    if (canVote && this.log.isUpToDate(m.index, m.logTerm)) {
      // Answer with the candidate's term so it counts the grant in that term.
      this.send({ type: respType, to: m.from, term: m.term });
      if (m.type === 'MsgVote') {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.send({ type: respType, to: m.from, term: this.term, reject: true });
      if (this.log.isUpToDate(m.index, m.logTerm)) this.deferCampaign();
    }
  }

  /**
   * We refused a candidate whose log is at least as up to date as ours
   * (we had voted for ourselves, or it was behind in term). It can win and we
   * may not be able to: let it go first. Without this, a voter with a stale
   * log whose stale configuration never talks to that candidate can keep
   * campaigning just ahead of it, term after term, and refuse it every time.
   * Only delays our own campaign, so it cannot affect safety.
   */
  private deferCampaign(): void {
    // With a known leader our timer follows its heartbeats; leave it alone.
    if (this.state === 'leader' || this.lead !== NONE) return;
    this.electionElapsed = 0;
    this.randomizedElectionTimeout = 2 * this.electionTimeout + Math.floor(this.random() * this.electionTimeout);
  }

  private stepLeader(m: Message): ProposeError | undefined {
    switch (m.type) {
      case 'MsgProp':
        return this.leaderPropose(m.entries);
      case 'MsgReadIndex':
        this.leaderReadIndex(m.from, m.context ?? new Uint8Array(0));
        return undefined;
      case 'MsgTransferLeader':
        this.leaderTransfer(m.from);
        return undefined;
      case 'MsgAppResp':
        this.handleAppendResponse(m);
        return undefined;
      case 'MsgHeartbeatResp':
        this.handleHeartbeatResponse(m);
        return undefined;
      default:
        return undefined;
    }
  }

  private stepCandidate(m: Message): ProposeError | undefined {
    switch (m.type) {
      case 'MsgProp':
      case 'MsgReadIndex':
      case 'MsgTransferLeader':
        return dropped('no-leader');
      case 'MsgApp':
        this.becomeFollower(m.term, m.from);
        this.handleAppendEntries(m);
        return undefined;
      case 'MsgHeartbeat':
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        return undefined;
      case 'MsgSnap':
        this.becomeFollower(m.term, m.from);
        this.handleSnapshot(m);
        return undefined;
      case 'MsgPreVoteResp':
      case 'MsgVoteResp': {
        const expected = this.state === 'pre-candidate' ? 'MsgPreVoteResp' : 'MsgVoteResp';
        if (m.type !== expected) return undefined;
        const res = this.poll(m.from, !m.reject);
        if (res === 'won') {
          if (this.state === 'pre-candidate') this.campaign('elect', false);
          else this.becomeLeader();
        } else if (res === 'lost') {
          this.becomeFollower(this.term, NONE);
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }

  private stepFollower(m: Message): ProposeError | undefined {
    switch (m.type) {
      case 'MsgProp':
        if (this.lead === NONE) return dropped('no-leader');
        if (!this.forwardProposals) return dropped('not-leader');
        this.send({ ...m, to: this.lead, term: 0 });
        return undefined;
      case 'MsgReadIndex':
      case 'MsgTransferLeader':
        if (this.lead === NONE) return dropped('no-leader');
        this.send({ ...m, to: this.lead, term: 0 });
        return undefined;
      case 'MsgApp':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleAppendEntries(m);
        return undefined;
      case 'MsgHeartbeat':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleHeartbeat(m);
        return undefined;
      case 'MsgSnap':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleSnapshot(m);
        return undefined;
      case 'MsgTimeoutNow':
        // The leader asks us to take over now: skip pre-vote and leases.
        this.hup(true);
        return undefined;
      case 'MsgReadIndexResp':
        this.readStates.push({ index: m.index, context: m.context ?? new Uint8Array(0) });
        return undefined;
      default:
        return undefined;
    }
  }

  // ---- Follower side of replication ----------------------------------

  private handleAppendEntries(m: Message): void {
    if (m.index < this.log.committed) {
      this.send({ type: 'MsgAppResp', to: m.from, index: this.log.committed });
      return;
    }
    const last = this.log.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (last !== undefined) {
      this.send({ type: 'MsgAppResp', to: m.from, index: last });
      return;
    }
    // Reject with a hint: the last index at or below the probe whose term is
    // at most the probe's term. Every entry after it is certain to conflict,
    // so the leader can skip a whole term per round trip.
    const hintIndex = this.log.findConflictByTerm(Math.min(m.index, this.log.lastIndex()), m.logTerm);
    this.send({
      type: 'MsgAppResp',
      to: m.from,
      index: m.index,
      reject: true,
      rejectHint: hintIndex,
      logTerm: this.log.zeroTermOnError(hintIndex),
    });
  }

  private handleHeartbeat(m: Message): void {
    this.log.commitTo(m.commit);
    this.send({ type: 'MsgHeartbeatResp', to: m.from, context: m.context });
  }

  private handleSnapshot(m: Message): void {
    const s = m.snapshot;
    if (s === undefined) return;
    if (this.restore(s)) {
      this.send({ type: 'MsgAppResp', to: m.from, index: this.log.lastIndex() });
    } else {
      this.send({ type: 'MsgAppResp', to: m.from, index: this.log.committed });
    }
  }

  /** Replaces the log with the snapshot unless we already have what it covers. */
  private restore(s: Snapshot): boolean {
    if (s.metadata.index <= this.log.committed) return false;
    if (this.state !== 'follower') return false;
    if (this.log.matchTerm(s.metadata.index, s.metadata.term)) {
      // We hold the entry the snapshot ends at: just learn the commit.
      this.log.commitTo(s.metadata.index);
      return false;
    }
    this.log.restore(s);
    this.membership = new Membership(s.metadata.confState);
    return true;
  }

  // ---- Leader side --------------------------------------------------------

  private leaderPropose(proposed: readonly Entry[]): ProposeError | undefined {
    if (!this.membership.isMember(this.id)) return dropped('not-a-member');
    if (this.leadTransferee !== NONE) return dropped('leader-transferring');
    const accepted: ProposedEntry[] = [];
    let confRefused = false;
    for (const e of proposed) {
      if (e.type === 'confChange') {
        // One change at a time, and only after the leader applied the
        // previous one (and its own empty entry, see becomeLeader).
        if (this.pendingConfIndex > this.log.applied) {
          confRefused = true;
          continue;
        }
        this.pendingConfIndex = this.log.lastIndex() + accepted.length + 1;
      }
      accepted.push({ type: e.type, data: e.data });
    }
    if (accepted.length === 0) return confRefused ? dropped('conf-change-pending') : undefined;
    this.appendEntries(accepted);
    return confRefused ? dropped('conf-change-pending') : undefined;
  }

  private appendEntries(proposed: readonly ProposedEntry[]): void {
    let index = this.log.lastIndex();
    const ents: Entry[] = proposed.map((p) => ({ index: ++index, term: this.term, type: p.type, data: p.data }));
    this.log.append(ents);
    // Replication happens at flush(): proposals made before the next Ready
    // share one MsgApp per follower.
    this.appendPending = true;
  }

  /** Called once the entries handed out in a Ready are durable. */
  onPersisted(): void {
    if (this.state !== 'leader') return;
    const self = this.progress.get(this.id);
    if (self && self.maybeUpdate(this.log.persisted)) this.afterMaybeCommit();
  }

  private afterMaybeCommit(): void {
    if (!this.maybeCommit()) return;
    this.commitPending = true;
    if (this.committedInTerm() && this.readsAwaitingCommit.length > 0) {
      const waiting = this.readsAwaitingCommit;
      this.readsAwaitingCommit = [];
      for (const r of waiting) this.leaderReadIndex(r.from, r.context);
    }
  }

  /** Advances the commit index to what a quorum of voters stores. */
  private maybeCommit(): boolean {
    const mci = committedIndex(this.membership.voters, (id) => this.progress.get(id)?.match ?? 0);
    if (!Number.isFinite(mci)) return false;
    if (this.unsafeCommitOldTerms) {
      if (mci <= this.log.committed) return false;
      this.log.commitTo(mci);
      return true;
    }
    // §5.4.2: only entries of the current term are committed by counting.
    return this.log.maybeCommit(mci, this.term);
  }

  private committedInTerm(): boolean {
    return this.log.zeroTermOnError(this.log.committed) === this.term;
  }

  /** Sends what is pending since the last Ready: new entries and the commit index. */
  flush(): void {
    if (this.state === 'leader' && (this.appendPending || this.commitPending)) {
      const sendIfEmpty = this.commitPending;
      for (const id of this.progress.keys()) {
        if (id !== this.id) this.sendAppendLoop(id, sendIfEmpty);
      }
    }
    this.appendPending = false;
    this.commitPending = false;
    this.coalesceProposals();
  }

  /** Merges proposals forwarded to the same leader into one MsgProp. */
  private coalesceProposals(): void {
    let firstByTo: Map<NodeId, Message> | undefined;
    const out: Message[] = [];
    for (const m of this.msgs) {
      if (m.type !== 'MsgProp') {
        out.push(m);
        continue;
      }
      firstByTo ??= new Map();
      const first = firstByTo.get(m.to);
      if (first) {
        first.entries = first.entries.concat(m.entries);
      } else {
        const copy = { ...m, entries: m.entries.slice() };
        firstByTo.set(m.to, copy);
        out.push(copy);
      }
    }
    if (firstByTo) this.msgs = out;
  }

  /** Sends entries (or an empty MsgApp) to `to` if its progress allows. */
  private sendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.progress.get(to);
    if (pr === undefined || pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.log.term(prevIndex);
    if (isStorageError(prevTerm)) return this.sendSnapshot(to, pr);
    const ents = this.log.entries(pr.next, this.maxSizePerMsg);
    if (isStorageError(ents)) return this.sendSnapshot(to, pr);
    if (ents.length === 0 && !sendIfEmpty) return false;
    this.send({
      type: 'MsgApp',
      to,
      index: prevIndex,
      logTerm: prevTerm,
      entries: ents,
      commit: this.log.committed,
    });
    const last = ents.length > 0 ? ents[ents.length - 1].index : prevIndex;
    pr.sentEntries(last, entriesSize(ents), ents.length > 0);
    return true;
  }

  /** In replicate state, fills the in-flight window (pipelining). */
  private sendAppendLoop(to: NodeId, sendIfEmpty: boolean): void {
    if (!this.sendAppend(to, sendIfEmpty)) return;
    const pr = this.progress.get(to);
    while (pr?.state === 'replicate' && this.sendAppend(to, false)) {
      // keep sending until the window is full or the log is exhausted
    }
  }

  private sendSnapshot(to: NodeId, pr: Progress): boolean {
    const snap = this.log.snapshot();
    if (isStorageError(snap) || snap.metadata.index === 0) return false;
    pr.becomeSnapshot(snap.metadata.index);
    this.send({ type: 'MsgSnap', to, snapshot: snap });
    return true;
  }

  private bcastHeartbeat(): void {
    const round = this.reads.currentRound();
    const context = round > 0 ? encodeRound(round) : undefined;
    for (const [id, pr] of this.progress) {
      if (id === this.id) continue;
      // Never tell a follower a commit index past what it is known to hold.
      this.send({ type: 'MsgHeartbeat', to: id, commit: Math.min(pr.match, this.log.committed), context });
    }
  }

  private handleAppendResponse(m: Message): void {
    const pr = this.progress.get(m.from);
    if (pr === undefined) return;
    pr.recentActive = true;
    if (m.reject) {
      // Fast backtracking with the follower's (index, term) hint.
      let nextProbe = m.rejectHint;
      if (m.logTerm > 0) {
        nextProbe = this.log.findConflictByTerm(Math.min(m.rejectHint, this.log.lastIndex()), m.logTerm);
      }
      if (pr.maybeDecrTo(m.index, nextProbe)) {
        if (pr.state === 'replicate') pr.becomeProbe();
        this.sendAppend(m.from, true);
      }
      return;
    }
    const wasPaused = pr.isPaused();
    if (!pr.maybeUpdate(m.index)) {
      // Stale acknowledgement; it may still have freed window space.
      if (pr.state === 'replicate') pr.inflights.freeLE(m.index);
      return;
    }
    if (pr.state === 'probe') {
      pr.becomeReplicate();
    } else if (pr.state === 'snapshot') {
      // The snapshot (or the entries after it) landed: resume replication.
      if (pr.match >= pr.pendingSnapshot || pr.match + 1 >= this.log.firstIndex()) {
        pr.becomeProbe();
        pr.becomeReplicate();
      }
    } else if (pr.state === 'replicate') {
      pr.inflights.freeLE(m.index);
    }
    this.afterMaybeCommit();
    // A follower that was paused may have missed commit updates: send even if empty.
    this.sendAppendLoop(m.from, wasPaused);
    if (m.from === this.leadTransferee && pr.match === this.log.lastIndex()) {
      this.send({ type: 'MsgTimeoutNow', to: m.from });
    }
  }

  private handleHeartbeatResponse(m: Message): void {
    const pr = this.progress.get(m.from);
    if (pr === undefined) return;
    pr.recentActive = true;
    pr.probeSent = false;
    // A full window whose messages were lost would stall forever: let one
    // more MsgApp out; if the follower has a gap it rejects it and we probe.
    if (pr.state === 'replicate' && pr.inflights.full()) pr.inflights.freeFirst();
    if (pr.match < this.log.lastIndex()) this.sendAppend(m.from, true);
    const round = decodeRound(m.context);
    if (round > 0 && this.membership.isVoter(m.from)) {
      this.answerReads(this.reads.ack(m.from, round, this.membership.voters, this.id));
    }
  }

  private leaderReadIndex(from: NodeId, context: Uint8Array): void {
    // A new leader does not know the latest commit index until it commits
    // an entry of its own term; until then reads wait.
    if (!this.committedInTerm()) {
      this.readsAwaitingCommit.push({ from, context });
      return;
    }
    if (this.membership.voters.size === 1 && this.membership.isVoter(this.id)) {
      this.answerRead(from, this.log.committed, context);
      return;
    }
    this.reads.add(context, from, this.log.committed);
    // Batch: reads arriving while a round is out wait for the next round.
    if (!this.reads.outstanding()) {
      this.reads.startRound();
      this.bcastHeartbeat();
    }
  }

  private answerReads(done: PendingRead[]): void {
    for (const r of done) this.answerRead(r.from, r.index, r.context);
    if (done.length > 0 && this.reads.hasUnassigned() && !this.reads.outstanding()) {
      this.reads.startRound();
      this.bcastHeartbeat();
    }
  }

  private answerRead(from: NodeId, index: number, context: Uint8Array): void {
    if (from === this.id || from === NONE) this.readStates.push({ index, context });
    else this.send({ type: 'MsgReadIndexResp', to: from, index, context });
  }

  private leaderTransfer(target: NodeId): void {
    if (!this.membership.isVoter(target)) return;
    if (this.leadTransferee !== NONE) {
      if (this.leadTransferee === target) return;
      this.leadTransferee = NONE;
    }
    if (target === this.id) return;
    const pr = this.progress.get(target);
    if (pr === undefined) return;
    // The transfer must finish within one election timeout (see tickHeartbeat).
    this.electionElapsed = 0;
    this.leadTransferee = target;
    if (pr.match === this.log.lastIndex()) this.send({ type: 'MsgTimeoutNow', to: target });
    else this.sendAppendLoop(target, true);
  }

  // ---- Local requests (RawNode) ---------------------------------------

  propose(ents: readonly ProposedEntry[]): ProposeError | undefined {
    const entries: Entry[] = ents.map((e) => ({ index: 0, term: 0, type: e.type, data: e.data }));
    return this.step(newMessage({ type: 'MsgProp', from: this.id, to: this.id, entries }));
  }

  readIndex(context: Uint8Array): ProposeError | undefined {
    return this.step(newMessage({ type: 'MsgReadIndex', from: this.id, to: this.id, context }));
  }

  transferLeader(target: NodeId): ProposeError | undefined {
    return this.step(newMessage({ type: 'MsgTransferLeader', from: target, to: this.id }));
  }

  /** The application applied a conf-change entry; switch configuration. */
  applyConfChange(cc: ConfChange): ConfState {
    this.membership = this.membership.apply(cc);
    if (this.state !== 'leader') return this.membership.confState();

    const next = this.log.lastIndex() + 1;
    for (const id of this.membership.members()) {
      const pr = this.progress.get(id);
      if (pr === undefined) this.progress.set(id, this.newProgress(id, next));
      else pr.isLearner = !this.membership.isVoter(id);
    }
    for (const id of [...this.progress.keys()]) {
      if (!this.membership.isMember(id)) this.progress.delete(id);
    }
    if (this.leadTransferee !== NONE && !this.membership.isVoter(this.leadTransferee)) {
      this.leadTransferee = NONE;
    }
    if (!this.membership.isVoter(this.id)) {
      this.stepDownAfterRemoval();
      return this.membership.confState();
    }
    // The quorum changed: commit and pending reads may move; new members need the log.
    this.afterMaybeCommit();
    this.answerReads(this.reads.release(this.membership.voters, this.id));
    this.appendPending = true;
    return this.membership.confState();
  }

  /**
   * A leader removed (or demoted) by the change it just applied hands over
   * to an up-to-date voter, if there is one, and steps down.
   */
  private stepDownAfterRemoval(): void {
    const last = this.log.lastIndex();
    for (const id of this.membership.members()) {
      const pr = this.progress.get(id);
      if (id !== this.id && this.membership.isVoter(id) && pr?.match === last) {
        this.send({ type: 'MsgTimeoutNow', to: id });
        break;
      }
    }
    this.becomeFollower(this.term, NONE);
  }

  reportSnapshot(id: NodeId, ok: boolean): void {
    const pr = this.progress.get(id);
    if (this.state !== 'leader' || pr === undefined || pr.state !== 'snapshot') return;
    if (!ok) pr.pendingSnapshot = 0;
    // Either way go back to probing, but wait for an answer (the follower's
    // MsgAppResp) or the next heartbeat response before sending again.
    pr.becomeProbe();
    pr.probeSent = true;
  }

  reportUnreachable(id: NodeId): void {
    const pr = this.progress.get(id);
    if (this.state !== 'leader' || pr === undefined) return;
    // Stop pipelining into the void; probe again.
    if (pr.state === 'replicate') pr.becomeProbe();
  }

  // ---- Output ----------------------------------------------------------

  private send(fields: MessageFields): void {
    const m = newMessage({ from: this.id, ...fields });
    if (m.term === 0 && !TERMLESS.has(m.type)) m.term = this.term;
    if (m.context === undefined) delete m.context;
    if (m.snapshot === undefined) delete m.snapshot;
    this.msgs.push(m);
  }
}
