import { encodeConfChange } from './conf-change-codec.js';
import type { RaftConfig } from './config.js';
import type { ProposeError } from './errors.js';
import { mustPersistBeforeSend } from './message.js';
import type { ProgressState } from './progress.js';
import { Raft } from './raft.js';
import type { ConfChange, ConfState, HardState, Message, NodeId, Ready, SoftState, StateType } from './types.js';

export interface ProgressStatus {
  match: number;
  next: number;
  state: ProgressState;
  paused: boolean;
  inflight: number;
  isLearner: boolean;
}

export interface Status {
  id: NodeId;
  term: number;
  vote: NodeId;
  lead: NodeId;
  state: StateType;
  commit: number;
  applied: number;
  lastIndex: number;
  leadTransferee: NodeId;
  config: ConfState;
  /** Leader only. */
  progress?: Map<NodeId, ProgressStatus>;
}

/**
 * The application-facing wrapper around Raft. The loop is:
 *   rd = ready(); persist rd.snapshot, rd.entries, rd.hardState; send
 *   rd.messages (those with afterPersist only after persisting); apply
 *   rd.snapshot and rd.committedEntries (calling applyConfChange for conf
 *   changes); advance(rd).
 * tick/step/propose may be called between ready() and advance(); their
 * output goes into the next Ready. ready() must not be called again before
 * advance().
 */
export class RawNode {
  readonly raft: Raft;
  private prevSoft: SoftState;
  private prevHard: HardState;
  private inProgress: Ready | undefined;
  private readonly maxCommittedSize: number;

  constructor(cfg: RaftConfig) {
    this.raft = new Raft(cfg);
    this.prevSoft = this.raft.softState();
    this.prevHard = this.raft.hardState();
    this.maxCommittedSize = cfg.maxCommittedSizePerReady ?? Number.POSITIVE_INFINITY;
  }

  tick(): void {
    this.raft.tick();
  }

  /** Feeds a message received from a peer. */
  step(m: Message): void {
    this.raft.step(m);
  }

  /** Starts an election now (tests, or a single-node bootstrap). */
  campaign(): void {
    this.raft.hup(false);
  }

  propose(data: Uint8Array): ProposeError | undefined {
    return this.raft.propose([{ type: 'normal', data }]);
  }

  proposeConfChange(cc: ConfChange): ProposeError | undefined {
    return this.raft.propose([{ type: 'confChange', data: encodeConfChange(cc) }]);
  }

  /** Requests a linearizable read; the answer arrives as a ReadState with `context`. */
  readIndex(context: Uint8Array): ProposeError | undefined {
    return this.raft.readIndex(context);
  }

  transferLeader(id: NodeId): ProposeError | undefined {
    return this.raft.transferLeader(id);
  }

  /** Call when applying a conf-change entry; returns the new configuration. */
  applyConfChange(cc: ConfChange): ConfState {
    return this.raft.applyConfChange(cc);
  }

  /** The snapshot sent to `id` was delivered (ok) or failed. */
  reportSnapshot(id: NodeId, ok: boolean): void {
    this.raft.reportSnapshot(id, ok);
  }

  /** The transport could not reach `id`. */
  reportUnreachable(id: NodeId): void {
    this.raft.reportUnreachable(id);
  }

  /**
   * `withCommitted` false leaves committed entries for a later Ready: the application is still
   * applying earlier ones and bounds how many it holds.
   */
  hasReady(withCommitted = true): boolean {
    if (this.inProgress) return false;
    this.raft.flush();
    const r = this.raft;
    const soft = r.softState();
    if (soft.lead !== this.prevSoft.lead || soft.state !== this.prevSoft.state) return true;
    if (!sameHardState(r.hardState(), this.prevHard)) return true;
    return r.log.hasUnstable() || r.hasMessages() || r.hasReadStates() || (withCommitted && r.log.hasNextCommittedEntries());
  }

  ready(withCommitted = true): Ready {
    if (this.inProgress) throw new Error('raft: ready() called before advance() of the previous Ready');
    this.raft.flush();
    const r = this.raft;
    const entries = r.log.unstableEntries().slice();
    const hard = r.hardState();
    const rd: Ready = {
      entries,
      committedEntries: withCommitted ? r.log.nextCommittedEntries(this.maxCommittedSize) : [],
      messages: r.takeMessages().map((message) => ({ message, afterPersist: mustPersistBeforeSend(message.type) })),
      readStates: r.takeReadStates(),
      mustSync: entries.length > 0 || hard.term !== this.prevHard.term || hard.vote !== this.prevHard.vote,
    };
    const soft = r.softState();
    if (soft.lead !== this.prevSoft.lead || soft.state !== this.prevSoft.state) rd.softState = soft;
    if (!sameHardState(hard, this.prevHard)) rd.hardState = hard;
    const snap = r.log.unstable.snapshot;
    if (snap) rd.snapshot = snap;
    this.inProgress = rd;
    return rd;
  }

  /** Acknowledges that `rd` (default: the last Ready) was persisted, sent and applied. */
  advance(rd?: Ready): void {
    const done = rd ?? this.inProgress;
    if (done === undefined) return;
    const log = this.raft.log;
    if (done.softState) this.prevSoft = done.softState;
    if (done.hardState) this.prevHard = done.hardState;
    if (done.snapshot) {
      log.stableSnapTo(done.snapshot.metadata.index);
      if (done.snapshot.metadata.index > log.applied) log.appliedTo(done.snapshot.metadata.index);
    }
    if (done.entries.length > 0) {
      const last = done.entries[done.entries.length - 1];
      log.stableTo(last.index, last.term);
    }
    if (done.committedEntries.length > 0) {
      log.appliedTo(done.committedEntries[done.committedEntries.length - 1].index);
    }
    this.inProgress = undefined;
    this.raft.onPersisted();
  }

  /** The scalar part of status(), cheap enough for every Ready. */
  basicStatus(): Omit<Status, 'config' | 'progress'> {
    const r = this.raft;
    return {
      id: r.id,
      term: r.term,
      vote: r.vote,
      lead: r.lead,
      state: r.state,
      commit: r.log.committed,
      applied: r.log.applied,
      lastIndex: r.log.lastIndex(),
      leadTransferee: r.leadTransferee,
    };
  }

  status(): Status {
    const r = this.raft;
    const s: Status = {
      id: r.id,
      term: r.term,
      vote: r.vote,
      lead: r.lead,
      state: r.state,
      commit: r.log.committed,
      applied: r.log.applied,
      lastIndex: r.log.lastIndex(),
      leadTransferee: r.leadTransferee,
      config: r.confState(),
    };
    if (r.state === 'leader') {
      s.progress = new Map();
      for (const [id, pr] of r.progress) {
        s.progress.set(id, {
          match: pr.match,
          next: pr.next,
          state: pr.state,
          paused: pr.isPaused(),
          inflight: pr.inflights.count(),
          isLearner: pr.isLearner,
        });
      }
    }
    return s;
  }
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}
