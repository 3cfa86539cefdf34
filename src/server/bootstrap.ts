import { encodeConfChange, type Entry } from '../raft/index.js';
import { ConfChangeContext } from '../gen/raftkvpb.js';
import { clusterId, memberId } from '../cluster/ids.js';
import type { DurableLog } from '../storage/durable-log.js';
import type { ServerConfig } from './config.js';

export interface Identity {
  memberId: bigint;
  clusterId: bigint;
}

/** Peer URLs of each member named in --initial-cluster, in flag order. */
export function initialMembers(config: ServerConfig): { name: string; peerUrls: string[]; id: bigint }[] {
  const byName = new Map<string, string[]>();
  for (const { name, peerUrl } of config.initialCluster) byName.set(name, [...(byName.get(name) ?? []), peerUrl]);
  return [...byName].map(([name, peerUrls]) => ({ name, peerUrls, id: memberId(peerUrls, config.initialClusterToken) }));
}

/**
 * Gives a data directory its identity. A directory that has one keeps it and ignores the
 * initial-cluster flags. A new cluster's members all derive the same IDs from the flags and start
 * from the same log: one committed conf-change entry per initial member, as etcd bootstraps.
 */
export function bootstrapNewCluster(config: ServerConfig, log: DurableLog): Identity {
  const existing = log.identity();
  if (existing !== undefined) return existing;
  const members = initialMembers(config);
  const self = members.find((m) => m.name === config.name);
  if (self === undefined) throw new Error(`--initial-cluster has no member named "${config.name}"`);
  const advertised = [...config.initialAdvertisePeerUrls].sort().join(',');
  if ([...self.peerUrls].sort().join(',') !== advertised) {
    throw new Error(
      `--initial-cluster has ${config.name}=${self.peerUrls.join(',')} but --initial-advertise-peer-urls is ${config.initialAdvertisePeerUrls.join(',')}`,
    );
  }
  const identity = { memberId: self.id, clusterId: clusterId(members.map((m) => m.id)) };
  if (log.lastIndex() === 0) {
    const entries: Entry[] = members.map((m, i) => ({
      index: i + 1,
      term: 1,
      type: 'confChange',
      data: encodeConfChange({
        type: 'addNode',
        nodeId: m.id,
        context: ConfChangeContext.encode({ member: { ID: m.id, name: m.name, peerURLs: m.peerUrls } }).finish(),
      }),
    }));
    log.save({ term: 1, vote: 0n, commit: entries.length }, entries);
  }
  log.setIdentity(identity.memberId, identity.clusterId);
  return identity;
}
