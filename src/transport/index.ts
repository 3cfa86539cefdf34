// The peer transport's public surface.
export { PeerTransport, type PeerTransportOptions } from './peer-transport.js';
export type { TransportHandler } from './handler.js';
export type { TransportStats } from './stats.js';
export type { BackoffOptions } from './backoff.js';
export { CLUSTER_MISMATCH } from './peer-identity.js';
export { fetchMembership } from './members-client.js';
export { PeerCredentials } from './peer-credentials.js';
export type { ClusterMembership } from './handler.js';
