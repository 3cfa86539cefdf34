export { EtcdClient, type CallOptions, type DeleteOptions, type EtcdClientOptions, type PutOptions, type RangeOptions } from './etcd-client.js';
export { grpcTarget, splitEndpoints } from './endpoints.js';
export { channelCredentials, type ClientTls } from './tls.js';
export { EtcdClientError, neverSent, toClientError } from './errors.js';
export { ALL_KEYS_END, prefixEnd, resolveRange, toBytes, type KeyLike, type RangeSpec } from './key-range.js';
export type { BidiMethod, MethodDescriptor, ServerStreamMethod, UnaryMethod } from './method.js';
export { Watch, type WatchListener, type WatchOptions } from './watch.js';
