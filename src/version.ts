/** raftkv's own release version (the client API it speaks is etcd 3.4's). */
export const VERSION = '0.1.0';

/** The etcd release whose client API raftkv speaks; raftkvctl's `version` names it as etcdctl does. */
export const ETCD_RELEASE = '3.4.23';

/** The etcdctl API version raftkvctl reports (`version`, help's API VERSION), as etcdctl 3.4 does. */
export const CTL_API_VERSION = '3.4';
