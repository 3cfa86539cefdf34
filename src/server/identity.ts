import { DurableLog } from '../storage/durable-log.js';
import { bootstrapNewCluster, type Identity } from './bootstrap.js';
import type { ServerConfig } from './config.js';

/**
 * The member and cluster IDs of this data directory. A directory that has them keeps them; a
 * joining member takes the ones a peer reported; a new cluster's members derive them from the
 * flags and write the bootstrap entries. The Raft thread owns the log from then on.
 */
export function establishIdentity(config: ServerConfig, logPath: string, joined: Identity | undefined): Identity {
  const log = new DurableLog(logPath);
  try {
    let identity = log.identity();
    if (identity === undefined && joined !== undefined) {
      log.setIdentity(joined.memberId, joined.clusterId);
      identity = joined;
    }
    return identity ?? bootstrapNewCluster(config, log);
  } finally {
    log.close();
  }
}
