// Plain data types of the Raft module. Everything here is a serializable
// object (no classes, no methods) so the transport can map it to protobuf.

/** etcd member IDs are uint64, so node IDs are bigint. 0n means "nobody". */
export type NodeId = bigint;
export const NONE: NodeId = 0n;

export type EntryType = 'normal' | 'confChange';

export interface Entry {
  index: number;
  term: number;
  type: EntryType;
  /** Opaque to Raft. For 'confChange' entries it is an encoded ConfChange. */
  data: Uint8Array;
}

/** The part of a node's state that must survive a crash. */
export interface HardState {
  term: number;
  vote: NodeId;
  commit: number;
}

export interface ConfState {
  voters: NodeId[];
  learners: NodeId[];
}

export interface SnapshotMetadata {
  index: number;
  term: number;
  confState: ConfState;
}

export interface Snapshot {
  metadata: SnapshotMetadata;
  data: Uint8Array;
}

export type ConfChangeType = 'addNode' | 'addLearner' | 'removeNode';

/**
 * A single-server membership change. 'addNode' on a learner promotes it;
 * 'addLearner' on a voter demotes it.
 */
export interface ConfChange {
  type: ConfChangeType;
  nodeId: NodeId;
  context?: Uint8Array;
}

export type MessageType =
  | 'MsgProp' // proposal forwarded by a follower to the leader
  | 'MsgApp'
  | 'MsgAppResp'
  | 'MsgVote'
  | 'MsgVoteResp'
  | 'MsgPreVote'
  | 'MsgPreVoteResp'
  | 'MsgSnap'
  | 'MsgHeartbeat'
  | 'MsgHeartbeatResp'
  | 'MsgTransferLeader' // from = the transferee
  | 'MsgTimeoutNow'
  | 'MsgReadIndex'
  | 'MsgReadIndexResp';

/**
 * A message between nodes. Field meaning depends on the type:
 * - MsgApp: index/logTerm = the entry preceding `entries`.
 * - MsgAppResp: index = highest index known to match (or the rejected index),
 *   rejectHint/logTerm = the follower's hint for fast backtracking.
 * - MsgVote/MsgPreVote: index/logTerm = the candidate's last entry.
 * - MsgHeartbeat(Resp): context = the read round being confirmed, if any.
 * - MsgReadIndex(Resp): context = the caller's request context.
 */
export interface Message {
  type: MessageType;
  from: NodeId;
  to: NodeId;
  term: number;
  logTerm: number;
  index: number;
  entries: Entry[];
  commit: number;
  reject: boolean;
  rejectHint: number;
  snapshot?: Snapshot;
  context?: Uint8Array;
}

export type StateType = 'follower' | 'candidate' | 'pre-candidate' | 'leader';

/** Volatile state that is useful to the application (logging, routing). */
export interface SoftState {
  lead: NodeId;
  state: StateType;
}

/** A linearizable read is safe once the local applied index reaches `index`. */
export interface ReadState {
  index: number;
  context: Uint8Array;
}

/**
 * A message of a Ready batch. `afterPersist` means it may only be sent once
 * the batch's hard state, entries and snapshot are durable (see docs/RAFT.md).
 */
export interface ReadyMessage {
  message: Message;
  afterPersist: boolean;
}

export interface Ready {
  /** Present when lead or role changed since the previous Ready. */
  softState?: SoftState;
  /** Present when it changed; persist it. */
  hardState?: HardState;
  /** Entries to append to stable storage (they may overwrite a stable suffix). */
  entries: Entry[];
  /** A snapshot to persist and apply (before `committedEntries`). */
  snapshot?: Snapshot;
  /** Entries to apply to the state machine, in order, after persisting. */
  committedEntries: Entry[];
  messages: ReadyMessage[];
  readStates: ReadState[];
  /** True when hardState or entries must be fsynced (vs. written lazily). */
  mustSync: boolean;
}
