import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { MetricsSampler } from './metrics-sampler.js';

describe('MetricsSampler', () => {
  it('gives KV rates (less the console reads) and mean latencies over each interval', async () => {
    const registry = new Registry();
    const started = new Counter({ name: 'grpc_server_started_total', help: 'h', labelNames: ['grpc_service', 'grpc_method', 'grpc_type'], registers: [registry] });
    const fsync = new Histogram({ name: 'etcd_disk_wal_fsync_duration_seconds', help: 'h', registers: [registry] });
    new Histogram({ name: 'etcd_disk_backend_commit_duration_seconds', help: 'h', registers: [registry] });
    new Gauge({ name: 'etcd_debugging_mvcc_watcher_total', help: 'h', registers: [registry] }).set(3);
    const kv = (m: string, n: number): void => started.inc({ grpc_service: 'etcdserverpb.KV', grpc_method: m, grpc_type: 'unary' }, n);
    let now = 10_000;
    let own = 0;
    const s = new MetricsSampler(registry, () => own, () => now);
    kv('Put', 5);
    const first = await s.sample();
    expect(first).toEqual({ at: 10_000, writesPerSec: 0, readsPerSec: 0, fsyncMs: 0, applyMs: 0, watchers: 3 });
    now += 2000;
    kv('Put', 8);
    kv('Txn', 2);
    kv('Range', 30);
    own = 10;
    started.inc({ grpc_service: 'etcdserverpb.Lease', grpc_method: 'LeaseGrant', grpc_type: 'unary' }, 100);
    fsync.observe(0.002);
    fsync.observe(0.004);
    const second = await s.sample();
    expect(second).toEqual({ at: 12_000, writesPerSec: 5, readsPerSec: 10, fsyncMs: 3, applyMs: 0, watchers: 3 });
  });
});
