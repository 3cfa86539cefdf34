// The buckets and fixed keys of etcd 3.4's backend (mvcc/kvstore.go, lease/lessor.go,
// etcdserver/api/membership/store.go, etcdserver/cindex, auth/store.go, etcdserver/api/v3alarm).
export const BUCKET = {
  alarm: 'alarm',
  auth: 'auth',
  authRoles: 'authRoles',
  authUsers: 'authUsers',
  cluster: 'cluster',
  key: 'key',
  lease: 'lease',
  members: 'members',
  membersRemoved: 'members_removed',
  meta: 'meta',
} as const;

export const META_KEY = {
  consistentIndex: 'consistent_index',
  finishedCompactRev: 'finishedCompactRev',
  scheduledCompactRev: 'scheduledCompactRev',
} as const;

export const AUTH_KEY = { enabled: 'authEnabled', revision: 'authRevision' } as const;

export const CLUSTER_VERSION_KEY = 'clusterVersion';
/** The cluster version raftkv speaks (its API is etcd 3.4's). */
export const CLUSTER_VERSION = '3.4.0';
/** members_removed's value for every removed ID. */
export const REMOVED = 'removed';
