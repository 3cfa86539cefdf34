// Differential test: one seeded sequence of random requests goes to a real etcd 3.4 and to raftkv,
// one request at a time, and every response must be equal field by field. Only the cluster and
// member IDs and the raft term in headers are normalised. Errors compare by gRPC code and message.
// DIFF_OPS and DIFF_SEED set the length and seed (the CI run is short; docs/RELIABILITY.md has
// the long one).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdClient, EtcdClientError } from '../../src/client/index.js';
import * as rpc from '../../src/gen/etcdserverpb.js';
import type { LocalCluster } from '../../cluster/local-cluster.js';
import { useClusters } from '../support/cluster.js';
import { startEtcdCluster, type EtcdCluster } from '../support/etcd-cluster.js';
import { etcdPath, isCI, prereqs } from '../support/env.js';
import { startNode, type NodeHandle } from '../support/node.js';
import { normalise, replacer, type Outcome } from './compare.js';
import { Generator, watchSpecs, type DiffOp, type DiffState, type WatchSpec } from './generator.js';

const OPS = Number(process.env['DIFF_OPS'] ?? '1500');
const CLUSTER_OPS = Number(process.env['DIFF_CLUSTER_OPS'] ?? '600');
const WATCHES = Number(process.env['DIFF_WATCHES'] ?? '12');
/** A watch has caught up once its stream stays quiet this long. */
const QUIET_MS = 1500;
const SEED = Number(process.env['DIFF_SEED'] ?? '20261203');
const haveEtcd = etcdPath() !== null;

async function send(c: EtcdClient, op: DiffOp): Promise<Outcome> {
  try {
    let value: unknown;
    switch (op.kind) {
      case 'put':
        value = await c.unary(rpc.KVService.Put, op.req);
        break;
      case 'range':
        value = await c.unary(rpc.KVService.Range, op.req);
        break;
      case 'delete':
        value = await c.unary(rpc.KVService.DeleteRange, op.req);
        break;
      case 'txn':
        value = await c.unary(rpc.KVService.Txn, op.req);
        break;
      case 'compact':
        value = await c.unary(rpc.KVService.Compact, op.req);
        break;
      case 'leaseGrant':
        value = await c.unary(rpc.LeaseService.LeaseGrant, op.req);
        break;
      case 'leaseRevoke':
        value = await c.unary(rpc.LeaseService.LeaseRevoke, op.req);
        break;
      case 'leases': {
        const r = await c.unary(rpc.LeaseService.LeaseLeases, {});
        // etcd lists leases in map order; the set is what counts.
        value = { ...r, leases: [...r.leases].sort((a, b) => (a.ID < b.ID ? -1 : a.ID > b.ID ? 1 : 0)) };
        break;
      }
    }
    return { ok: true, value: normalise(value) };
  } catch (e) {
    if (e instanceof EtcdClientError) return { ok: false, code: e.code, message: e.details };
    throw e;
  }
}

/** Keeps the generator's picture of the store in step with etcd's answers. */
function observe(s: DiffState, op: DiffOp, o: Outcome): void {
  if (!o.ok) return;
  const header = (o.value as { header?: { revision?: number } }).header;
  if (header?.revision !== undefined) s.revision = header.revision;
  if (op.kind === 'compact') s.compacted = op.req.revision ?? s.compacted;
  if (op.kind === 'leaseGrant') s.leases.push(op.req.ID ?? 0n);
  if (op.kind === 'leaseRevoke') s.leases = s.leases.filter((id) => id !== op.req.ID);
}

describe('differential: raftkv against etcd 3.4, single member', () => {
  let etcd: NodeHandle | undefined;
  let raftkv: NodeHandle | undefined;

  beforeAll(async () => {
    if (!haveEtcd) return;
    [etcd, raftkv] = await Promise.all([startNode({ target: 'etcd' }), startNode({ target: 'raftkv' })]);
  });

  afterAll(async () => {
    await Promise.all([etcd?.stop(), raftkv?.stop()]);
  });

  it.skipIf(!haveEtcd && !isCI)(`${OPS} seeded requests (seed ${SEED}) answer alike`, async () => {
    if (etcd === undefined || raftkv === undefined) throw new Error('real etcd (Debian package etcd-server) is required under CI=true');
    await compareRequests([etcd.endpoint], [raftkv.endpoint], OPS, SEED);
  }, 600_000);

  it.skipIf(!haveEtcd && !isCI)(`${WATCHES} watches from past revisions (filters, prev_kv, compacted starts) see the same events`, async () => {
    if (etcd === undefined || raftkv === undefined) throw new Error('real etcd (Debian package etcd-server) is required under CI=true');
    const a = new EtcdClient([etcd.endpoint], { timeoutMs: 10_000 });
    const b = new EtcdClient([raftkv.endpoint], { timeoutMs: 10_000 });
    try {
      const st = await a.unary(rpc.MaintenanceService.Status, {});
      const probe = await a.unary(rpc.KVService.Range, { key: Buffer.from('a') });
      const state: DiffState = { revision: probe.header?.revision ?? 1, compacted: 0, leases: [] };
      // The compaction point is where a range at revision 1 stops being served.
      for (let r = 1; r <= state.revision; r++) {
        try {
          await a.unary(rpc.KVService.Range, { key: Buffer.from('a'), revision: r });
          break;
        } catch {
          state.compacted = r;
        }
      }
      expect(st.version).toMatch(/^3\.4\./);
      let events = 0;
      for (const spec of watchSpecs(SEED, WATCHES, state)) {
        const [want, got] = await Promise.all([watchAll(a, spec), watchAll(b, spec)]);
        expect(got, `watch ${JSON.stringify(spec, replacer)}`).toEqual(want);
        events += want.filter((x) => (x as { kv?: unknown }).kv !== undefined).length;
      }
      console.log(`[diff] ${WATCHES} watches from revisions up to ${state.revision} (compacted at ${state.compacted}): ${events} events, equal`);
      expect(events, 'the watches saw events at all').toBeGreaterThan(0);
    } finally {
      a.close();
      b.close();
    }
  }, 600_000);
});

/**
 * Sends `ops` seeded requests to both sides, request i to member i mod n on each side (the same
 * member index), and expects equal answers.
 */
async function compareRequests(etcdEndpoints: string[], raftkvEndpoints: string[], ops: number, seed: number): Promise<void> {
  const as = etcdEndpoints.map((e) => new EtcdClient([e], { timeoutMs: 10_000 }));
  const bs = raftkvEndpoints.map((e) => new EtcdClient([e], { timeoutMs: 10_000 }));
  const gen = new Generator(seed);
  const state: DiffState = { revision: 1, compacted: 0, leases: [] };
  try {
    for (let i = 0; i < ops; i++) {
      const op = gen.op(state);
      const a = as[i % as.length] as EtcdClient;
      const b = bs[i % bs.length] as EtcdClient;
      const [want, got] = await Promise.all([send(a, op), send(b, op)]);
      if (JSON.stringify(got, replacer) !== JSON.stringify(want, replacer)) {
        expect(got, `request #${i} (seed ${seed}) to member ${i % as.length}: ${JSON.stringify(op, replacer)}`).toEqual(want);
      }
      observe(state, op, want);
    }
  } finally {
    for (const c of [...as, ...bs]) c.close();
  }
}

/** Everything one watch reports until it has been quiet for QUIET_MS: its create/cancel answers and its events, in order. */
async function watchAll(c: EtcdClient, spec: WatchSpec): Promise<unknown[]> {
  const seen: unknown[] = [];
  let last = Date.now();
  const w = c.watch(spec.key, { end: spec.end, startRevision: spec.startRevision, prevKv: spec.prevKv, filters: spec.filters }, (r) => {
    last = Date.now();
    if (r.created || r.canceled) seen.push({ created: r.created, canceled: r.canceled, compact_revision: r.compact_revision, cancel_reason: r.cancel_reason });
    // Batching into responses may differ; the events and their order may not.
    for (const e of r.events) seen.push(e);
  });
  const started = Date.now();
  while (Date.now() - last < QUIET_MS && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 100));
  w.cancel();
  return seen;
}

describe('differential: raftkv against etcd 3.4, three members', () => {
  const pre = prereqs({});
  const fx = useClusters(pre);
  let etcd: EtcdCluster | undefined;
  let raftkv: LocalCluster | undefined;

  beforeAll(async () => {
    if (!haveEtcd) return;
    [etcd, raftkv] = await Promise.all([startEtcdCluster(3), fx.start(3)]);
  });

  afterAll(async () => {
    await etcd?.stop();
  });

  it.skipIf(!haveEtcd && !isCI)(`${CLUSTER_OPS} seeded requests spread over the members answer alike`, async () => {
    if (etcd === undefined || raftkv === undefined) throw new Error('real etcd (Debian package etcd-server) is required under CI=true');
    await compareRequests(etcd.endpoints, raftkv.endpoints(raftkv.nodes), CLUSTER_OPS, SEED + 1);
  }, 600_000);
});
