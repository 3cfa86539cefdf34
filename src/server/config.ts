// The daemon's settings, named after etcd's flags.
import { noTls, type TlsSettings } from '../tls/settings.js';
import { defaultOps, type OpsSettings } from './ops-config.js';

export interface ServerConfig {
  name: string;
  dataDir: string;
  listenClientUrls: string[];
  advertiseClientUrls: string[];
  listenPeerUrls: string[];
  initialAdvertisePeerUrls: string[];
  /** name=peerURL pairs, as --initial-cluster gives them. */
  initialCluster: { name: string; peerUrl: string }[];
  initialClusterState: 'new' | 'existing';
  initialClusterToken: string;
  maxRequestBytes: number;
  /** 0 means etcd's default quota (2 GiB). */
  quotaBackendBytes: number;
  snapshotCount: number;
  heartbeatIntervalMs: number;
  electionTimeoutMs: number;
  maxTxnOps: number;
  /** --cert-file, --key-file, --trusted-ca-file, --client-cert-auth, --auto-tls, --cipher-suites. */
  clientTls: TlsSettings;
  /** The --peer-* TLS flags (and --cipher-suites). */
  peerTls: TlsSettings;
  /** Monitoring, compaction, corruption-check, gRPC and logging flags. */
  ops: OpsSettings;
  /** --auth-token: 'simple' or 'jwt,...' as etcd parses it (auth/token-options.ts). */
  authToken: string;
  /** --auth-token-ttl: seconds a simple token lives after its last use. */
  authTokenTtl: number;
  /** --bcrypt-cost for new password hashes. */
  bcryptCost: number;
}

export const DEFAULT_QUOTA_BYTES = 2 * 1024 * 1024 * 1024;

export function defaultConfig(name = 'default'): ServerConfig {
  return {
    name,
    dataDir: `${name}.etcd`,
    listenClientUrls: ['http://127.0.0.1:2379'],
    advertiseClientUrls: ['http://localhost:2379'],
    listenPeerUrls: ['http://localhost:2380'],
    initialAdvertisePeerUrls: ['http://localhost:2380'],
    initialCluster: [{ name, peerUrl: 'http://localhost:2380' }],
    initialClusterState: 'new',
    initialClusterToken: 'etcd-cluster',
    maxRequestBytes: 1.5 * 1024 * 1024,
    quotaBackendBytes: 0,
    snapshotCount: 10_000,
    heartbeatIntervalMs: 100,
    electionTimeoutMs: 1000,
    maxTxnOps: 128,
    clientTls: noTls(),
    peerTls: noTls(),
    ops: defaultOps(),
    authToken: 'simple',
    authTokenTtl: 300,
    bcryptCost: 10,
  };
}
