import type { Storage } from './storage.js';
import type { NodeId } from './types.js';

export interface RaftConfig {
  id: NodeId;
  /** Ticks without hearing from a leader before campaigning (randomized in [n, 2n)). */
  electionTick: number;
  /** Ticks between leader heartbeats; must be < electionTick. */
  heartbeatTick: number;
  storage: Storage;
  /** Seeded source in [0, 1); the only randomness Raft uses. */
  random: () => number;
  /** Run a pre-vote round before bumping the term (thesis §9.6). */
  preVote: boolean;
  /**
   * A leader steps down when it has not heard from a quorum for an election
   * timeout, and followers that heard from a leader within the election
   * timeout ignore vote requests (leader lease).
   */
  checkQuorum: boolean;
  /** Byte limit of one MsgApp (at least one entry is always sent). */
  maxSizePerMsg: number;
  /** In-flight MsgApp limit per follower in replicate state. */
  maxInflightMsgs: number;
  /** In-flight byte limit per follower (0 or absent = none). */
  maxInflightBytes?: number;
  /** Byte limit of the committed entries in one Ready (absent = no limit). */
  maxCommittedSizePerReady?: number;
  /** Last applied index on restart (default: the snapshot index). */
  applied?: number;
  /** Followers drop proposals with 'not-leader' instead of forwarding them. */
  disableProposalForwarding?: boolean;
  /**
   * TEST ONLY. Breaks the commit rule of §5.4.2: the leader commits any
   * index stored on a quorum, even of an older term. Exists so the simulator
   * can prove it detects the figure-8 anomaly. Never enable it elsewhere.
   */
  unsafeCommitOldTerms?: boolean;
}

export function validateConfig(c: RaftConfig): void {
  if (c.id === 0n) throw new Error('raft: id must not be 0');
  if (c.heartbeatTick <= 0) throw new Error('raft: heartbeatTick must be > 0');
  if (c.electionTick <= c.heartbeatTick) throw new Error('raft: electionTick must be > heartbeatTick');
  if (c.maxInflightMsgs <= 0) throw new Error('raft: maxInflightMsgs must be > 0');
  if (c.maxSizePerMsg < 0) throw new Error('raft: maxSizePerMsg must be >= 0');
}
