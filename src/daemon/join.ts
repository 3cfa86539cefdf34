import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerConfig } from '../server/config.js';
import { PeerCredentials, fetchMembership, type ClusterMembership } from '../transport/index.js';

export interface JoinInfo {
  memberId: bigint;
  clusterId: bigint;
  membership: ClusterMembership;
}

/** True when the data directory already belongs to a member: the initial-cluster flags are ignored then. */
export function isInitialized(config: ServerConfig): boolean {
  return existsSync(join(config.dataDir, 'member', 'raft.db'));
}

/**
 * A member started with --initial-cluster-state existing learns its ID (assigned when it was
 * added with MemberAdd) and the cluster ID from a running member, matching its peer URLs.
 */
export async function discoverJoin(config: ServerConfig): Promise<JoinInfo> {
  const own = [...config.initialAdvertisePeerUrls].sort().join(',');
  const others = config.initialCluster.filter((m) => m.name !== config.name).map((m) => m.peerUrl);
  const membership = await fetchMembership(others, undefined, new PeerCredentials(config.peerTls));
  const self = membership.members.find((m) => [...m.peerUrls].sort().join(',') === own);
  if (self === undefined) {
    throw new Error(`this member (peer URLs ${own}) is not in the cluster's member list; add it first with "member add"`);
  }
  return { memberId: self.id, clusterId: membership.clusterId, membership };
}
