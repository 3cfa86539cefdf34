// etcd-API load generator for raftkv or real etcd: `npm run bench -- --op put --clients 50 ...`.
// Every client is its own connection; each keeps `--concurrency` requests in flight until
// `--total` requests are done or `--duration` seconds pass. Prints throughput and latency.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { EtcdClient } from '../src/client/index.js';
import * as rpc from '../src/gen/etcdserverpb.js';

type Op = 'put' | 'range' | 'range-s' | 'txn' | 'watch';

interface Options {
  endpoints: string[];
  op: Op;
  clients: number;
  concurrency: number;
  total: number;
  durationS: number;
  keySize: number;
  valSize: number;
  keySpace: number;
  watchers: number;
}

function parse(): Options {
  const { values } = parseArgs({
    options: {
      endpoints: { type: 'string', default: '127.0.0.1:2379' },
      op: { type: 'string', default: 'put' },
      clients: { type: 'string', default: '16' },
      concurrency: { type: 'string', default: '4' },
      total: { type: 'string', default: '20000' },
      duration: { type: 'string', default: '0' },
      'key-size': { type: 'string', default: '16' },
      'val-size': { type: 'string', default: '256' },
      'key-space': { type: 'string', default: '10000' },
      watchers: { type: 'string', default: '100' },
    },
  });
  const op = values.op as Op;
  if (!['put', 'range', 'range-s', 'txn', 'watch'].includes(op)) throw new Error(`--op must be put|range|range-s|txn|watch, not ${op}`);
  return {
    endpoints: values.endpoints.split(','),
    op,
    clients: Number(values.clients),
    concurrency: Number(values.concurrency),
    total: Number(values.total),
    durationS: Number(values.duration),
    keySize: Number(values['key-size']),
    valSize: Number(values['val-size']),
    keySpace: Number(values['key-space']),
    watchers: Number(values.watchers),
  };
}

function keyOf(i: number, size: number): Buffer {
  const k = Buffer.alloc(Math.max(size, 8), 0x61);
  k.write(String(i).padStart(8, '0'), 0);
  return k;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function report(name: string, latencies: number[], elapsedMs: number, errors: number): void {
  const sorted = [...latencies].sort((a, b) => a - b);
  const fmt = (ms: number): string => `${ms.toFixed(2)} ms`;
  console.log(
    [
      `${name}: ${latencies.length} ok, ${errors} errors in ${(elapsedMs / 1000).toFixed(2)} s`,
      `  throughput ${(latencies.length / (elapsedMs / 1000)).toFixed(0)} req/s`,
      `  latency p50 ${fmt(percentile(sorted, 50))}  p99 ${fmt(percentile(sorted, 99))}  max ${fmt(sorted[sorted.length - 1] ?? 0)}`,
    ].join('\n'),
  );
}

async function runRequests(o: Options, clients: EtcdClient[]): Promise<void> {
  const value = randomBytes(o.valSize);
  const request = (c: EtcdClient, i: number): Promise<unknown> => {
    const key = keyOf(i % o.keySpace, o.keySize);
    switch (o.op) {
      case 'put':
        return c.put(key, value);
      case 'range':
        return c.range(key);
      case 'range-s':
        return c.range(key, { serializable: true });
      default:
        return c.txn({
          compare: [{ key, target: rpc.Compare_CompareTarget.VERSION, result: rpc.Compare_CompareResult.GREATER, version: -1 }],
          success: [{ request_put: { key, value } }],
        });
    }
  };
  if (o.op === 'range' || o.op === 'range-s') {
    // Reads need something to read.
    for (let i = 0; i < Math.min(o.keySpace, 1000); i++) await clients[0]!.put(keyOf(i, o.keySize), value);
  }
  const latencies: number[] = [];
  let errors = 0;
  let issued = 0;
  const start = performance.now();
  const deadline = o.durationS > 0 ? start + o.durationS * 1000 : Number.POSITIVE_INFINITY;
  const more = (): boolean => (o.durationS > 0 ? performance.now() < deadline : issued < o.total);
  const worker = async (c: EtcdClient): Promise<void> => {
    while (more()) {
      const i = issued++;
      const t0 = performance.now();
      try {
        await request(c, i);
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (const c of clients) for (let j = 0; j < o.concurrency; j++) workers.push(worker(c));
  await Promise.all(workers);
  report(`${o.op} (${o.clients} clients x ${o.concurrency} in flight, ${o.keySize} B keys, ${o.valSize} B values)`, latencies, performance.now() - start, errors);
}

/** Watch fan-out: `--watchers` watchers on one key; each put must reach all of them. */
async function runWatch(o: Options, clients: EtcdClient[]): Promise<void> {
  const key = keyOf(0, o.keySize);
  const value = randomBytes(o.valSize);
  const puts = Math.min(o.total, 2000);
  const expected = puts * o.watchers;
  // An event may arrive before its put's response: record arrivals by revision, match afterwards.
  const arrivals = new Map<number, number[]>();
  let delivered = 0;
  let resolveAll: () => void = () => undefined;
  const allDelivered = new Promise<void>((resolve) => (resolveAll = resolve));
  const watches = [];
  for (let w = 0; w < o.watchers; w++) {
    const c = clients[w % clients.length]!;
    watches.push(
      c.watch(key, {}, (resp) => {
        const now = performance.now();
        for (const ev of resp.events) {
          const rev = ev.kv?.mod_revision ?? 0;
          const list = arrivals.get(rev);
          if (list === undefined) arrivals.set(rev, [now]);
          else list.push(now);
          if (++delivered === expected) resolveAll();
        }
      }),
    );
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  const sentAt = new Map<number, number>();
  const start = performance.now();
  for (let i = 0; i < puts; i++) {
    const t0 = performance.now();
    const r = await clients[0]!.put(key, value);
    sentAt.set(r.header?.revision ?? 0, t0);
  }
  await Promise.race([allDelivered, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  const elapsed = performance.now() - start;
  for (const w of watches) w.cancel();
  const latencies: number[] = [];
  for (const [rev, t0] of sentAt) for (const t of arrivals.get(rev) ?? []) latencies.push(t - t0);
  report(`watch fan-out (${o.watchers} watchers, ${puts} puts; latency = put start to event)`, latencies, elapsed, expected - latencies.length);
}

async function main(): Promise<void> {
  const o = parse();
  const clients = Array.from({ length: o.clients }, () => new EtcdClient(o.endpoints, { timeoutMs: 10_000 }));
  try {
    if (o.op === 'watch') await runWatch(o, clients);
    else await runRequests(o, clients);
  } finally {
    for (const c of clients) c.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
