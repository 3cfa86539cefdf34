// /metrics: etcd's metric names where raftkv has the quantity, read when Prometheus scrapes, plus
// prom-client's process and Node.js metrics (event-loop lag among them).
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { LatencyHistograms } from './latency-histograms.js';

/** What the member tells /metrics, handed in by the composition root. */
export interface Metrics {
  hasLeader(): boolean;
  isLeader(): boolean;
  /** Leaders this member has seen come to power (a new leader, or a new term). */
  leaderChanges(): number;
  /** etcd's proposals_*: committed and applied are the Raft log indexes, as etcd reports them. */
  proposals(): { committed: number; applied: number; pending: number; failed: number };
  dbSize(): number;
  dbSizeInUse(): number;
  quotaBytes: number;
  /** This member's ID in hex, as etcd labels etcd_server_id. */
  memberId: string;
  /** The disk and peer latency histograms. */
  latencies: LatencyHistograms;
  /** Watchers open on this member (etcd's etcd_debugging_mvcc_watcher_total); absent: not exported. */
  watchers?: () => number;
}

/** A counter that shows a total kept elsewhere. */
function mirroredCounter(registry: Registry, name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect(this: Counter) {
      this.reset();
      this.inc(read());
    },
  });
}

function mirroredGauge(registry: Registry, name: string, help: string, read: () => number): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect(this: Gauge) {
      this.set(read());
    },
  });
}

/** A constant 1 whose label carries the value, as etcd exports versions and IDs. */
function info(registry: Registry, name: string, help: string, label: string, value: string): void {
  new Gauge({ name, help, labelNames: [label], registers: [registry] }).set({ [label]: value }, 1);
}

export function metricsRegistry(m: Metrics, versions: { server: string; cluster: string }): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const which = (label: string, what: string): string => `Which version is running. 1 for '${label}' label with current ${what}.`;
  info(registry, 'etcd_server_version', which('server_version', 'version'), 'server_version', versions.server);
  info(registry, 'etcd_cluster_version', which('cluster_version', 'cluster version'), 'cluster_version', versions.cluster);
  const id = "Server or member ID in hexadecimal format. 1 for 'server_id' label with current ID.";
  info(registry, 'etcd_server_id', id, 'server_id', m.memberId);
  const g = (name: string, help: string, read: () => number): void => mirroredGauge(registry, name, help, read);
  g('etcd_server_has_leader', 'Whether or not a leader exists. 1 is existence, 0 is not.', () => (m.hasLeader() ? 1 : 0));
  g('etcd_server_is_leader', 'Whether or not this member is a leader. 1 if is, 0 otherwise.', () => (m.isLeader() ? 1 : 0));
  mirroredCounter(registry, 'etcd_server_leader_changes_seen_total', 'The number of leader changes seen.', () => m.leaderChanges());
  // etcd declares these two as gauges set to the Raft indexes.
  g('etcd_server_proposals_committed_total', 'The total number of consensus proposals committed.', () => m.proposals().committed);
  g('etcd_server_proposals_applied_total', 'The total number of consensus proposals applied.', () => m.proposals().applied);
  g('etcd_server_proposals_pending', 'The current number of pending proposals to commit.', () => m.proposals().pending);
  mirroredCounter(registry, 'etcd_server_proposals_failed_total', 'The total number of failed proposals seen.', () => m.proposals().failed);
  g('etcd_server_quota_backend_bytes', 'Current backend storage quota size in bytes.', () => m.quotaBytes);
  g('etcd_mvcc_db_total_size_in_bytes', 'Total size of the underlying database physically allocated in bytes.', () => m.dbSize());
  g('etcd_mvcc_db_total_size_in_use_in_bytes', 'Total size of the underlying database logically in use in bytes.', () =>
    m.dbSizeInUse(),
  );
  const watchers = m.watchers;
  if (watchers !== undefined) g('etcd_debugging_mvcc_watcher_total', 'Total number of watchers.', watchers);
  m.latencies.register(registry);
  return registry;
}
