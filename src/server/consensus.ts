// The seam between the server and whatever orders its writes. Today a single-node durable log
// implements it; the Raft-backed implementation plugs in here without touching api/ or apply.

export interface CommittedEntry {
  index: number;
  term: number;
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

export type ProposeError = { kind: 'no_leader' } | { kind: 'stopped' };

export type ReadIndexResult = { ok: true; index: number } | { ok: false; error: ProposeError };

export interface Consensus {
  /**
   * Starts ordering entries. Committed entries after `appliedIndex` are handed to `apply` in index
   * order, in batches; `apply` runs synchronously and must not throw.
   */
  start(appliedIndex: number, apply: (entries: CommittedEntry[]) => void): void;
  /** Queues a write. It reaches `apply` once committed, or never if this returns an error. */
  propose(data: Uint8Array): ProposeError | undefined;
  /** The index a linearizable read must see applied before it runs. */
  readIndex(): Promise<ReadIndexResult>;
  /** Lets the log drop entries the state machine has durably applied, keeping a tail. */
  compact(durablyApplied: number): void;
  status(): ConsensusStatus;
  stop(): Promise<void>;
}
