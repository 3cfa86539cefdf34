// etcd's disk and peer latency histograms, with etcd's names and buckets. The Raft thread measures
// the log's fsync and the peers' round trips and sends them over in batches (consensus/latency-
// samples.ts); the state database's commits are measured where they happen, on the main thread.
import { Histogram, type Registry } from 'prom-client';

/** Go's prometheus.ExponentialBuckets(start, factor, count). */
function exponential(start: number, factor: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start * factor ** i);
}

export class LatencyHistograms {
  private readonly walFsync = new Histogram({
    name: 'etcd_disk_wal_fsync_duration_seconds',
    help: 'The latency distributions of fsync called by WAL.',
    buckets: exponential(0.001, 2, 14),
    registers: [],
  });
  private readonly backendCommit = new Histogram({
    name: 'etcd_disk_backend_commit_duration_seconds',
    help: 'The latency distributions of commit called by backend.',
    buckets: exponential(0.001, 2, 14),
    registers: [],
  });
  private readonly peerRtt = new Histogram({
    name: 'etcd_network_peer_round_trip_time_seconds',
    help: 'Round-Trip-Time histogram between peers',
    labelNames: ['To'],
    buckets: exponential(0.0001, 2, 14),
    registers: [],
  });

  register(registry: Registry): void {
    registry.registerMetric(this.walFsync);
    registry.registerMetric(this.backendCommit);
    registry.registerMetric(this.peerRtt);
  }

  observeWalFsync(seconds: readonly number[]): void {
    for (const s of seconds) this.walFsync.observe(s);
  }

  observeBackendCommit(seconds: number): void {
    this.backendCommit.observe(seconds);
  }

  /** `to`: the peer's member ID in hex, as etcd labels it. */
  observePeerRtt(to: string, seconds: readonly number[]): void {
    const h = this.peerRtt.labels({ To: to });
    for (const s of seconds) h.observe(s);
  }
}
