/** raftkv's own release version (the client API it speaks is etcd 3.4's). */
export const VERSION = '0.1.0';
