import type * as rpc from '../gen/etcdserverpb.js';

/** Where the response header's fields come from. */
export interface HeaderSource {
  readonly clusterId: bigint;
  readonly memberId: bigint;
  /** The current raft term. */
  term(): number;
  /** The store's current revision. */
  revision(): number;
}

/** The response header etcd puts on every reply. */
export function makeHeader(h: HeaderSource, revision: number = h.revision()): rpc.ResponseHeaderInit {
  return { cluster_id: h.clusterId, member_id: h.memberId, revision, raft_term: h.term() };
}
