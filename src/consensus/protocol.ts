// The messages between the main thread (state machine, client port) and the Raft thread (Raft
// core, its log and the peer transport). Everything here survives structured clone: plain
// objects, bigint, Uint8Array, Map.
import type { Member } from '../cluster/member-store.js';
import type { TlsSettings } from '../tls/settings.js';
import type { ConfChange, ConfState, ProgressStatus, ReadState } from '../raft/index.js';
import type { CommittedEntry, ConsensusStatus, ProposeError } from '../server/consensus.js';
import type { LatencyBatch } from './latency-samples.js';

export interface RaftThreadConfig {
  memberId: bigint;
  clusterId: bigint;
  /** The member's data folder: raft.db and the snap/ folder live here. */
  memberDir: string;
  /** The state database, read by snapshot builds on their own connection. */
  stateDbPath: string;
  logLevel: string;
  heartbeatMs: number;
  electionMs: number;
  /** Entries kept behind the log's compaction point for followers that lag a little. */
  catchUpEntries: number;
  listenPeerUrls: string[];
  /** The --peer-* TLS settings. */
  peerTls: TlsSettings;
  /** The state machine's applied index and membership when the thread starts. */
  applied: number;
  appliedTerm: number;
  members: Member[];
  /** Peers to dial before any membership is applied (a joining member's view of the cluster). */
  initialPeers: { id: bigint; peerUrls: string[] }[];
  /** Settings for a replacement worker script (the test entry point's faulty log and links). */
  extension?: unknown;
}

/**
 * One input to the Raft core. A batch with a refusal is answered at once by a `proposed` message;
 * taken proposals are acknowledged with the next `ready` (`proposedThrough`), or on the next tick.
 */
export type Proposal =
  | { kind: 'entry'; data: Uint8Array }
  | { kind: 'conf'; cc: ConfChange }
  | { kind: 'transfer'; target: bigint };

export type ToRaft =
  | { t: 'propose'; first: number; items: Proposal[] }
  | { t: 'read'; ctx: Uint8Array }
  /** The state machine applied everything up to `index`. */
  | { t: 'applied'; index: number }
  /** The state machine holds everything up to `index` durably: the log may drop what it covers. */
  | { t: 'durable'; index: number }
  | { t: 'members'; members: Member[]; applied: number }
  | { t: 'installed'; index: number; error?: string }
  | { t: 'progress'; seq: number }
  | { t: 'stop' };

export type FromRaft =
  | { t: 'started'; peerUrls: string[] }
  | {
      t: 'ready';
      status?: ConsensusStatus & { isLeader: boolean };
      entries?: CommittedEntry[];
      readStates?: ReadState[];
      /** Every proposal up to this sequence number was taken. */
      proposedThrough?: number;
    }
  /** Proposals before `first` were taken; results for first .. first + results.length - 1 (undefined = taken). */
  | { t: 'proposed'; first: number; results: (ProposeError | undefined)[] }
  | { t: 'readFailed'; ctx: Uint8Array; error: ProposeError }
  /** Replace the state machine with the snapshot in `path`, then answer `installed`. */
  | { t: 'install'; index: number; term: number; confState: ConfState; path: string }
  | { t: 'progress'; seq: number; progress: Map<bigint, ProgressStatus> | undefined }
  /** This member was removed; stop after graceMs (so peers can learn the removal committed). */
  | { t: 'removed'; graceMs: number }
  | { t: 'fatal'; message: string }
  /** Latencies measured since the last batch, for /metrics. */
  | ({ t: 'latencies' } & LatencyBatch)
  | { t: 'stopped' };
