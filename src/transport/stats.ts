// Counters of one transport, for tests, metrics and debugging.
export interface TransportStats {
  /** Stream writes (one MessageBatch each). */
  batchesSent: number;
  messagesSent: number;
  /** Dropped because the peer was down, its queue full, or the peer unknown. */
  messagesDropped: number;
  batchesReceived: number;
  messagesReceived: number;
  /** Received, but addressed to another member (or undecodable). */
  messagesRejected: number;
  snapshotsSent: number;
  snapshotsFailed: number;
  snapshotsReceived: number;
}

export function newStats(): TransportStats {
  return {
    batchesSent: 0,
    messagesSent: 0,
    messagesDropped: 0,
    batchesReceived: 0,
    messagesReceived: 0,
    messagesRejected: 0,
    snapshotsSent: 0,
    snapshotsFailed: 0,
    snapshotsReceived: 0,
  };
}
