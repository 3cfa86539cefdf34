import type { Member } from '../cluster/member-store.js';
import type { ConfChange, ConfState } from '../raft/index.js';

// The seam between the state machine (main thread) and consensus (the Raft thread). The server
// proposes bytes and applies what comes back committed; it never sees Raft messages or the
// network. Both sides speak these types; consensus/raft-thread.ts implements Consensus.

export interface CommittedEntry {
  index: number;
  term: number;
  type: 'normal' | 'confChange';
  data: Uint8Array;
}

export interface ConsensusStatus {
  /** This member's ID. */
  id: bigint;
  /** The leader's member ID, 0n when there is none. */
  leader: bigint;
  term: number;
  /** Last index in the durable log. */
  lastIndex: number;
  commitIndex: number;
}

/** `busy`: the leader can't take it right now (a transfer or a conf change in progress); retry shortly. */
export type ProposeError = { kind: 'no_leader' } | { kind: 'busy' } | { kind: 'stopped' } | { kind: 'not_leader' } | { kind: 'timeout' };

export type ReadIndexResult = { ok: true; index: number } | { ok: false; error: ProposeError };

/** A snapshot received from the leader, on disk, to replace the state machine with. */
export interface SnapshotFile {
  index: number;
  term: number;
  confState: ConfState;
  path: string;
}

/** What consensus needs from the state machine it drives. */
export interface StateMachineHost {
  appliedIndex(): number;
  /**
   * Applies committed entries in index order, in one durable step, and reports whether the
   * membership changed. Must not throw (a failure is fatal for the member).
   */
  apply(entries: CommittedEntry[]): { membersChanged: boolean };
  /** Membership as of the applied index. */
  members(): Member[];
  /** Replaces the state machine with a snapshot's data; durable when it resolves. */
  restore(snapshot: SnapshotFile): Promise<void>;
  /** Called when this member becomes or stops being the leader. */
  leadershipChanged(isLeader: boolean): void;
  /**
   * Makes the applied state durable, so the log may drop the entries it covers; resolves to the
   * applied index that is durable (undefined when that could not be done now).
   */
  checkpoint(): Promise<number | undefined>;
}

export interface Consensus {
  /** Starts ordering entries; committed entries after the host's applied index reach host.apply. */
  start(host: StateMachineHost): Promise<void>;
  /** Queues a write. It reaches `apply` once committed, or never if this resolves to an error. */
  propose(data: Uint8Array): Promise<ProposeError | undefined>;
  proposeConfChange(cc: ConfChange): Promise<ProposeError | undefined>;
  /** Asks the leader (this member) to hand leadership to `target`. */
  transferLeader(target: bigint): Promise<ProposeError | undefined>;
  /** Resolves once a leader is known (true), or after `timeoutMs` without one (false). */
  waitForLeader(timeoutMs: number): Promise<boolean>;
  /** Calls `listener` each time a new leader (or the same one in a new term) becomes known. */
  onNewLeader(listener: () => void): void;
  /** The index a linearizable read must see applied before it runs. */
  readIndex(): Promise<ReadIndexResult>;
  status(): ConsensusStatus;
  /** Leader only: how far each member's log matches the leader's. */
  progress(): Promise<Map<bigint, { match: number; isLearner: boolean }> | undefined>;
  stop(): Promise<void>;
}
