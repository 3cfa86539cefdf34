// The command lines of cluster members, etcd style. docker-compose.yml runs
// the same flags (test/cluster/compose.test.ts holds them to it), with
// container host names instead of 127.0.0.1.

export interface MemberSpec {
  name: string;
  /** Host the member listens on and advertises (127.0.0.1 for local clusters). */
  host: string;
  clientPort: number;
  peerPort: number;
  dataDir: string;
}

export function clientUrl(m: Pick<MemberSpec, 'host' | 'clientPort'>): string {
  return `http://${m.host}:${m.clientPort}`;
}

export function peerUrl(m: Pick<MemberSpec, 'host' | 'peerPort'>): string {
  return `http://${m.host}:${m.peerPort}`;
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
