// The command lines of cluster members, etcd style. docker-compose.yml runs
// the same flags (test/cluster/compose.test.ts holds them to it), with
// container host names instead of 127.0.0.1.
import type { MemberCerts } from './pki.js';

export interface MemberSpec {
  name: string;
  /** Host the member listens on and advertises (127.0.0.1 for local clusters). */
  host: string;
  clientPort: number;
  peerPort: number;
  dataDir: string;
  /** Set: https on both ports, with certificate auth on both. */
  tls?: MemberCerts;
}

function scheme(m: Pick<MemberSpec, 'tls'>): string {
  return m.tls === undefined ? 'http' : 'https';
}

export function clientUrl(m: Pick<MemberSpec, 'host' | 'clientPort' | 'tls'>): string {
  return `${scheme(m)}://${m.host}:${m.clientPort}`;
}

export function peerUrl(m: Pick<MemberSpec, 'host' | 'peerPort' | 'tls'>): string {
  return `${scheme(m)}://${m.host}:${m.peerPort}`;
}

/** The TLS flags of a member, as an operator with their own CA passes them. */
export function tlsFlags(m: Pick<MemberSpec, 'tls'>): string[] {
  const t = m.tls;
  if (t === undefined) return [];
  return [
    '--cert-file', t.certFile,
    '--key-file', t.keyFile,
    '--trusted-ca-file', t.caFile,
    '--client-cert-auth',
    '--peer-cert-file', t.certFile,
    '--peer-key-file', t.keyFile,
    '--peer-trusted-ca-file', t.caFile,
    '--peer-client-cert-auth',
  ];
}

/** --initial-cluster value: name=peerURL,... */
export function initialCluster(members: readonly MemberSpec[]): string {
  return members.map((m) => `${m.name}=${peerUrl(m)}`).join(',');
}

/** Flags of a founding member of a new cluster (`--flag value` pairs). */
export function bootstrapFlags(self: MemberSpec, all: readonly MemberSpec[], token: string): string[] {
  return [
    '--name', self.name,
    '--data-dir', self.dataDir,
    '--listen-client-urls', clientUrl(self),
    '--advertise-client-urls', clientUrl(self),
    '--listen-peer-urls', peerUrl(self),
    '--initial-advertise-peer-urls', peerUrl(self),
    '--initial-cluster', initialCluster(all),
    '--initial-cluster-token', token,
    '--initial-cluster-state', 'new',
    ...tlsFlags(self),
  ];
}

/**
 * Flags of a member added with `etcdctl member add`: its name, initial
 * cluster, peer URLs and state come from the ETCD_* variables etcdctl prints.
 */
export function joinFlags(self: MemberSpec): string[] {
  return [
    '--data-dir', self.dataDir,
    '--listen-client-urls', clientUrl(self),
    '--advertise-client-urls', clientUrl(self),
    '--listen-peer-urls', peerUrl(self),
    ...tlsFlags(self),
  ];
}

/** The ETCD_NAME=... lines `etcdctl member add` prints, as an environment. */
export function parseMemberAddEnv(output: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of output.split('\n')) {
    const m = /^(ETCD_[A-Z_]+)="(.*)"\s*$/.exec(line.trim());
    if (m !== null) env[m[1] as string] = m[2] as string;
  }
  for (const k of ['ETCD_NAME', 'ETCD_INITIAL_CLUSTER', 'ETCD_INITIAL_ADVERTISE_PEER_URLS', 'ETCD_INITIAL_CLUSTER_STATE']) {
    if (env[k] === undefined) throw new Error(`member add output lacks ${k}:\n${output}`);
  }
  return env;
}
