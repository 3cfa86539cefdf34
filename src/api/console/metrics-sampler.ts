// The console's live charts, sampled from this member's metrics registry: KV calls per second
// (from the gRPC counters, so the JSON gateway's calls count too, less the console's own reads),
// the mean WAL fsync and backend commit (apply) latency over the interval, and the watchers open.
import type { Registry } from 'prom-client';
import type { MetricsSample } from './api-types.js';
export type { MetricsSample } from './api-types.js';

const READS = new Set(['Range']);
const WRITES = new Set(['Put', 'DeleteRange', 'Txn', 'Compact']);

interface Totals {
  at: number;
  reads: number;
  writes: number;
  fsync: { sum: number; count: number };
  apply: { sum: number; count: number };
}

export class MetricsSampler {
  private last: Totals | undefined;

  constructor(
    private readonly registry: Registry,
    /** Range calls the console itself has made (its tree, history and lock views). */
    private readonly ownReads: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Rates and mean latencies since the previous sample (zeros for the first). */
  async sample(): Promise<MetricsSample> {
    const t = await this.totals();
    const prev = this.last ?? t;
    this.last = t;
    const secs = Math.max(0.001, (t.at - prev.at) / 1000);
    const rate = (a: number, b: number): number => (t.at === prev.at ? 0 : round((a - b) / secs));
    const meanMs = (a: Totals['fsync'], b: Totals['fsync']): number =>
      a.count > b.count ? round(((a.sum - b.sum) / (a.count - b.count)) * 1000) : 0;
    return {
      at: t.at,
      writesPerSec: rate(t.writes, prev.writes),
      readsPerSec: Math.max(0, rate(t.reads, prev.reads)),
      fsyncMs: meanMs(t.fsync, prev.fsync),
      applyMs: meanMs(t.apply, prev.apply),
      watchers: await this.gauge('etcd_debugging_mvcc_watcher_total'),
    };
  }

  private async totals(): Promise<Totals> {
    let reads = 0;
    let writes = 0;
    const started = this.registry.getSingleMetric('grpc_server_started_total');
    for (const v of started === undefined ? [] : (await started.get()).values) {
      if (v.labels['grpc_service'] !== 'etcdserverpb.KV') continue;
      const m = String(v.labels['grpc_method']);
      if (READS.has(m)) reads += v.value;
      else if (WRITES.has(m)) writes += v.value;
    }
    return {
      at: this.now(),
      reads: reads - this.ownReads(),
      writes,
      fsync: await this.histogram('etcd_disk_wal_fsync_duration_seconds'),
      apply: await this.histogram('etcd_disk_backend_commit_duration_seconds'),
    };
  }

  private async histogram(name: string): Promise<{ sum: number; count: number }> {
    const h = this.registry.getSingleMetric(name);
    const out = { sum: 0, count: 0 };
    // A histogram's values carry their series name (_bucket, _sum, _count).
    const values: readonly { value: number; metricName?: string }[] = h === undefined ? [] : (await h.get()).values;
    for (const v of values) {
      if (v.metricName === `${name}_sum`) out.sum += v.value;
      else if (v.metricName === `${name}_count`) out.count += v.value;
    }
    return out;
  }

  private async gauge(name: string): Promise<number> {
    const g = this.registry.getSingleMetric(name);
    return g === undefined ? 0 : (await g.get()).values.reduce((a, v) => a + v.value, 0);
  }
}

const round = (n: number): number => Math.round(n * 1000) / 1000;
