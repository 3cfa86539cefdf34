// What the transport calls back into: the Raft node (via the server's consensus layer).
import type { Message, NodeId } from '../raft/types.js';

export interface ClusterMembership {
  clusterId: bigint;
  members: { id: bigint; name: string; peerUrls: string[]; clientUrls: string[]; isLearner: boolean }[];
  /** The applied index this view of the membership is as of. */
  appliedIndex: number;
}

export interface TransportHandler {
  /** One received batch, in arrival order. Only messages addressed to this member. */
  onMessages(msgs: Message[]): void;
  /**
   * A received MsgSnap; its data is in `file` (on disk, fsync'd), which the handler now owns. The
   * sender is told of success only after the returned promise resolves; a rejection reports
   * failure to the sender.
   */
  onSnapshot(msg: Message, file: string): void | Promise<void>;
  /** Messages to the member were (or may have been) lost; Raft should probe it. */
  onUnreachable(id: NodeId): void;
  /** Outcome of sendSnapshot(), to feed Raft's ReportSnapshot. */
  onSnapshotStatus(id: NodeId, ok: boolean): void;
  /** A peer refused this member because the cluster removed it. */
  onRemoved?(): void;
  /** The cluster as this member knows it, for a member that is joining. */
  membership?(): ClusterMembership;
}

/** Where snapshot data lives on disk: snapshots stream from and to files, never whole in memory. */
export interface SnapshotFiles {
  /** The file with the data of the snapshot at `index` that this member sends, while it has it. */
  fileFor(index: number): string | undefined;
  /** A fresh path to receive a snapshot into; the transport removes it if the transfer fails. */
  incomingPath(): string;
}
