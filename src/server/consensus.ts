import type { ConfState, Snapshot, StorageError } from '../raft/index.js';

// The seam between the server and whatever orders its writes. The server proposes bytes and
// applies what comes back committed; it never sees Raft messages, terms or the network.

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

/** What the consensus layer needs from the state machine it drives. */
export interface StateMachineHost {
  appliedIndex(): number;
  /** Applies committed entries in index order, in one durable step. Must not throw. */
  apply(entries: CommittedEntry[]): void;
  /** Membership as of the applied index. */
  confState(): ConfState;
  /** A copy of the state machine at its applied index, for a follower that needs a snapshot. */
  snapshot(): Snapshot | StorageError;
  /** Replaces the state machine with a snapshot's data; durable when it returns. */
  restore(snapshot: Snapshot): void;
  /** Called when this member becomes or stops being the leader. */
  leadershipChanged(isLeader: boolean): void;
  /** Lets the state machine flush its state durably before the log drops entries it covers. */
  checkpoint(): void;
  /** Every member's peer URLs as of the applied index, to point the network at them. */
  peers(): { id: bigint; peerUrls: string[] }[];
}

export interface Consensus {
  /** Starts ordering entries; committed entries after the host's applied index reach host.apply. */
  start(host: StateMachineHost): void;
  /** Queues a write. It reaches `apply` once committed, or never if this returns an error. */
  propose(data: Uint8Array): ProposeError | undefined;
  /** Resolves once a leader is known (true), or after `timeoutMs` without one (false). */
  waitForLeader(timeoutMs: number): Promise<boolean>;
  /** The index a linearizable read must see applied before it runs. */
  readIndex(): Promise<ReadIndexResult>;
  status(): ConsensusStatus;
  stop(): Promise<void>;
}
