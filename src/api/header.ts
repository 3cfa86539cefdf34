import type * as rpc from '../gen/etcdserverpb.js';
import type { EtcdServer } from '../server/etcd-server.js';

/** The response header etcd puts on every reply. */
export function makeHeader(server: EtcdServer, revision: number = server.store.currentRevision()): rpc.ResponseHeaderInit {
  const h = server.header();
  return { cluster_id: h.clusterId, member_id: h.memberId, revision, raft_term: h.raftTerm };
}
