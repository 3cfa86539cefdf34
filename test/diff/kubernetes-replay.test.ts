// Replays kube-apiserver's etcd traffic (k8s.io/apiserver storage/etcd3 and its compactor, the
// 3.4-era shapes) against a real etcd 3.4, a raftkv member and a 3-member raftkv cluster, in
// lockstep, and expects every answer equal: paged LISTs pinned to one revision (continued across
// writes and compactions, some at an exact past resourceVersion) and count-only ranges, compare-and-swap creates/updates/deletes on mod_revision, a lease per event,
// the compact_rev_key compaction protocol, and prefix watches with prev_kv and progress_notify
// plus RequestProgress. Normalised: header cluster_id/member_id/raft_term, lease IDs (numbered
// in order of grant), and when progress notifications come (only the answer to RequestProgress
// once caught up is compared; the periodic ones come every 10 minutes on both, so never here).
// K8S_REPLAY_STEPS and K8S_REPLAY_SEED set the script.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdClient, prefixEnd, type Watch, type WatchOptions } from '../../src/client/index.js';
import * as rpc from '../../src/gen/etcdserverpb.js';
import type * as mvccpb from '../../src/gen/mvccpb.js';
import { mulberry32 } from '../../src/util/mulberry32.js';
import type { LocalCluster } from '../../cluster/local-cluster.js';
import { useClusters } from '../support/cluster.js';
import { etcdPath, isCI, prereqs } from '../support/env.js';
import { startNode, type NodeHandle } from '../support/node.js';
import { outcomeOf, replacer, type Outcome } from './compare.js';

const STEPS = Number(process.env['K8S_REPLAY_STEPS'] ?? '300');
const SEED = Number(process.env['K8S_REPLAY_SEED'] ?? '20261203');
const haveEtcd = etcdPath() !== null;

const RESOURCES = ['pods', 'configmaps', 'events'];
const NAMESPACES = ['default', 'kube-system'];
const NAMES = 8;
/** kube-apiserver's compactor key, outside the /registry prefix. */
const COMPACT_REV_KEY = 'compact_rev_key';
/** Event TTL (kube-apiserver's --event-ttl default: 1h), so no lease expires during the test. */
const EVENT_TTL = 3600;

const b = (s: string): Buffer => Buffer.from(s);

/** One server (or cluster) under test; request i goes to member i mod n. */
interface Side {
  name: string;
  clients: EtcdClient[];
  /** This side's lease IDs, in order of grant: the normalised ID is the index. */
  leases: bigint[];
}

/** What the reference (etcd) says exists: key -> mod_revision and lease (index into Side.leases, -1 none). */
interface Obj {
  mod: number;
  lease: number;
}

/** Plain JSON with Buffers as "b:..." and lease IDs as "lease#i" (by order of grant on that side). */
function comparable(v: unknown, leases: bigint[]): unknown {
  const walk = (x: unknown, key: string): unknown => {
    if (Array.isArray(x)) return x.map((y) => walk(y, ''));
    if (x !== null && typeof x === 'object') {
      return Object.fromEntries(Object.entries(x as Record<string, unknown>).map(([k, y]) => [k, walk(y, k)]));
    }
    if ((key === 'lease' || key === 'ID') && typeof x === 'string' && /^\d+n$/.test(x) && x !== '0n') {
      const i = leases.indexOf(BigInt(x.slice(0, -1)));
      return i < 0 ? `unknown-lease:${x}` : `lease#${i}`;
    }
    return x;
  };
  return walk(JSON.parse(JSON.stringify(v, replacer)), '');
}

/** Everything one watch reports: its events (batching may differ, so flattened) and cancellation, and its progress responses apart. */
class WatchLog {
  readonly items: unknown[] = [];
  readonly progress: rpc.WatchResponse[] = [];
  readonly watch: Watch;

  constructor(
    readonly label: string,
    c: EtcdClient,
    key: string,
    opts: WatchOptions,
  ) {
    this.watch = c.watch(key, opts, (r) => {
      if (r.canceled) this.items.push({ canceled: true, compact_revision: r.compact_revision, cancel_reason: r.cancel_reason });
      else if (r.events.length === 0) this.progress.push(r);
      for (const e of r.events) this.items.push(e);
    });
  }

  /** Waits until an event at `revision` or later (or a cancellation) has come. */
  async eventsTo(revision: number): Promise<void> {
    const reached = (): boolean =>
      this.items.some((x) => (x as { canceled?: boolean }).canceled === true || ((x as mvccpb.Event).kv?.mod_revision ?? 0) >= revision);
    for (let i = 0; i < 100 && !reached(); i++) await new Promise((r) => setTimeout(r, 100));
    if (!reached()) throw new Error(`${this.label}: no event at revision ${revision} (${this.items.length} events)`);
  }

  /**
   * Caught up: every event up to the last write under its prefix (`lastWrite`) has come, and a
   * progress response says `revision`. Events are awaited first: etcd 3.4.23 may answer
   * RequestProgress ahead of history it still replays (etcd-io/etcd#15220, fixed in 3.4.25).
   */
  async caughtUp(lastWrite: number, revision: number): Promise<rpc.WatchResponse> {
    if (lastWrite > 0) await this.eventsTo(lastWrite);
    return this.progressAt(revision);
  }

  /**
   * RequestProgress until a progress response says the watch has seen `revision`; etcd answers
   * only once its watchers are synced, so the request is repeated.
   */
  async progressAt(revision: number): Promise<rpc.WatchResponse> {
    for (let i = 0; i < 100; i++) {
      this.watch.requestProgress();
      await new Promise((r) => setTimeout(r, 100));
      const p = this.progress.find((r) => (r.header?.revision ?? 0) >= revision);
      if (p !== undefined) return p;
    }
    throw new Error(`${this.label}: no progress notification at revision ${revision} (progress seen at ${this.progress.map((p) => p.header?.revision).join(',')}; ${this.items.length} events)`);
  }
}

class Replay {
  private readonly rnd: () => number;
  private n = 0;
  private readonly objects = new Map<string, Obj>();
  /** Leases granted so far (the reference's count; every side grants the same number). */
  private leaseCount = 0;
  /** The compactor's view: compact_rev_key's version and the revision seen at the last round. */
  private compactTime = 0;
  private compactRev = 0;
  compacted = 0;
  revision = 1;
  /** Successful writes under /registry, in order. */
  readonly writes: { key: string; revision: number }[] = [];
  readonly counts = { create: 0, update: 0, delete: 0, conflict: 0, list: 0, pages: 0, gone: 0, compact: 0, leases: 0 };

  constructor(
    readonly sides: Side[],
    seed: number,
  ) {
    this.rnd = mulberry32(seed);
  }

  /** The revision of the last write under `prefix` at or after `from` (0 if none). */
  lastWrite(prefix: string, from: number): number {
    const w = this.writes.filter((x) => x.key.startsWith(prefix) && x.revision >= from);
    return w[w.length - 1]?.revision ?? 0;
  }

  private int(n: number): number {
    return Math.floor(this.rnd() * n);
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }

  /** Sends one request to every side (member n mod size), expects the answers equal to the reference's, returns the reference's. */
  async step(label: string, call: (c: EtcdClient, s: Side) => Promise<unknown>): Promise<Outcome> {
    const i = this.n++;
    const outs = await Promise.all(this.sides.map((s) => outcomeOf(call(s.clients[i % s.clients.length] as EtcdClient, s))));
    const want = comparable(outs[0], (this.sides[0] as Side).leases);
    this.sides.forEach((s, j) => {
      if (j > 0) expect(comparable(outs[j], s.leases), `step #${i} ${label} on ${s.name}`).toEqual(want);
    });
    const ref = outs[0] as Outcome;
    const rev = ref.ok ? (ref.value as { header?: { revision?: number } }).header?.revision : undefined;
    if (rev !== undefined) this.revision = rev;
    return ref;
  }

  private value(key: string): Buffer {
    // kube-apiserver stores protobuf: binary, with a 'k8s\0' magic.
    const body = Buffer.alloc(8 + this.int(200));
    for (let i = 0; i < body.length; i++) body[i] = this.int(256);
    return Buffer.concat([b('k8s\0'), b(key), body]);
  }

  private key(): string {
    return `/registry/${this.pick(RESOURCES)}/${this.pick(NAMESPACES)}/n${this.int(NAMES)}`;
  }

  private existing(): string | undefined {
    const keys = [...this.objects.keys()];
    return keys.length === 0 ? undefined : this.pick(keys);
  }

  /** A mod_revision to compare with: the current one, or (a conflict) an older one. */
  private expectedMod(o: Obj): number {
    return this.rnd() < 0.2 ? Math.max(1, o.mod - 1 - this.int(5)) : o.mod;
  }

  async run(steps: number): Promise<void> {
    for (let i = 0; i < steps; i++) {
      const r = this.rnd();
      if (r < 0.55) await this.write();
      else if (r < 0.65) await this.get();
      else if (r < 0.85) await this.list();
      else if (r < 0.92) await this.count();
      else await this.compact();
    }
  }

  private async write(): Promise<void> {
    const r = this.rnd();
    const key = this.existing();
    if (r < 0.4 || key === undefined) await this.create(this.key());
    else if (r < 0.85) await this.update(key);
    else await this.remove(key);
  }

  /** Store.Create: put if the key has never been written (mod_revision 0), else read it (AlreadyExists). */
  private async create(key: string): Promise<void> {
    let lease = -1;
    if (key.startsWith('/registry/events/')) {
      lease = this.leaseCount++;
      this.counts.leases++;
      await this.step(`LeaseGrant for ${key}`, async (c, s) => {
        const g = await c.leaseGrant(EVENT_TTL);
        s.leases.push(g.ID);
        return g;
      });
    }
    const value = this.value(key);
    const o = await this.step(`create ${key}`, (c, s) =>
      c.txn({
        compare: [{ key: b(key), target: rpc.Compare_CompareTarget.MOD, result: rpc.Compare_CompareResult.EQUAL, mod_revision: 0 }],
        success: [{ request_put: { key: b(key), value, lease: lease < 0 ? 0n : s.leases[lease] } }],
        failure: [{ request_range: { key: b(key) } }],
      }),
    );
    this.afterCas(key, o, lease, 'create');
  }

  /** GuaranteedUpdate: put (with the object's lease) if mod_revision is still the one read, else read it again. */
  private async update(key: string): Promise<void> {
    const obj = this.objects.get(key) as Obj;
    const mod = this.expectedMod(obj);
    const value = this.value(key);
    const o = await this.step(`update ${key} at ${mod}`, (c, s) =>
      c.txn({
        compare: [{ key: b(key), target: rpc.Compare_CompareTarget.MOD, result: rpc.Compare_CompareResult.EQUAL, mod_revision: mod }],
        success: [{ request_put: { key: b(key), value, lease: obj.lease < 0 ? 0n : s.leases[obj.lease] } }],
        failure: [{ request_range: { key: b(key) } }],
      }),
    );
    this.afterCas(key, o, obj.lease, 'update');
  }

  /** Store.Delete with preconditions: delete if mod_revision is still the one read, else read it again. */
  private async remove(key: string): Promise<void> {
    const obj = this.objects.get(key) as Obj;
    const mod = this.expectedMod(obj);
    const prevKv = this.rnd() < 0.5;
    const o = await this.step(`delete ${key} at ${mod}`, (c) =>
      c.txn({
        compare: [{ key: b(key), target: rpc.Compare_CompareTarget.MOD, result: rpc.Compare_CompareResult.EQUAL, mod_revision: mod }],
        success: [{ request_delete_range: { key: b(key), prev_kv: prevKv } }],
        failure: [{ request_range: { key: b(key) } }],
      }),
    );
    this.afterCas(key, o, obj.lease, 'delete');
  }

  private afterCas(key: string, o: Outcome, lease: number, kind: 'create' | 'update' | 'delete'): void {
    if (!o.ok) throw new Error(`${kind} ${key} failed on the reference: ${o.message}`);
    const t = o.value as rpc.TxnResponse;
    if (!t.succeeded) {
      this.counts.conflict++;
      const kv = t.responses[0]?.response_range?.kvs[0];
      if (kv === undefined) this.objects.delete(key);
      else this.objects.set(key, { mod: kv.mod_revision, lease: this.objects.get(key)?.lease ?? lease });
      return;
    }
    this.counts[kind]++;
    this.writes.push({ key, revision: this.revision });
    if (kind === 'delete') this.objects.delete(key);
    else this.objects.set(key, { mod: this.revision, lease });
  }

  private async get(): Promise<void> {
    const key = this.rnd() < 0.7 ? (this.existing() ?? this.key()) : this.key();
    await this.step(`get ${key}`, (c) => c.range(key));
  }

  /**
   * A paged LIST: pages after the first continue from last key + "\0" at the LIST's revision (the
   * first page's header revision unless an exact one was asked for); writes may come between pages.
   */
  private async list(): Promise<void> {
    const res = this.pick(RESOURCES);
    const prefix = b(this.rnd() < 0.5 ? `/registry/${res}/` : `/registry/${res}/${this.pick(NAMESPACES)}/`);
    const end = prefixEnd(prefix);
    const limit = this.pick([1, 2, 3, 5, 500]);
    this.counts.list++;
    let key = prefix;
    // resourceVersion=X with match Exact: the first page too is read at X, which may be compacted.
    let revision = this.rnd() < 0.2 ? Math.max(1, this.revision - this.int(30)) : 0;
    for (let page = 0; page < 50; page++) {
      this.counts.pages++;
      const o = await this.step(`list ${prefix.toString()} limit ${limit} page ${page} at ${revision}`, (c) =>
        c.unary(rpc.KVService.Range, { key, range_end: end, limit, revision }),
      );
      if (!o.ok) {
        this.counts.gone++; // compacted under the LIST: kube-apiserver answers 410 Gone
        return;
      }
      const r = o.value as rpc.RangeResponse;
      const last = r.kvs[r.kvs.length - 1];
      if (!r.more || last === undefined) return;
      if (revision === 0) revision = r.header?.revision ?? 0;
      key = Buffer.concat([last.key, Buffer.from([0])]);
      const between = this.rnd();
      if (between < 0.3) await this.write();
      else if (between < 0.36) {
        // Two compactor rounds: the second compacts past this LIST's revision.
        await this.compact();
        await this.compact();
      }
    }
  }

  /** The storage's object count: a count-only range over a resource. */
  private async count(): Promise<void> {
    const prefix = b(`/registry/${this.pick(RESOURCES)}/`);
    await this.step(`count ${prefix.toString()}`, (c) => c.unary(rpc.KVService.Range, { key: prefix, range_end: prefixEnd(prefix), count_only: true }));
  }

  /**
   * One round of kube-apiserver's compactor: bump compact_rev_key's version if it is still the
   * one this apiserver saw (else read it), then compact to the revision seen a round earlier.
   */
  private async compact(): Promise<void> {
    const t = this.rnd() < 0.2 ? this.compactTime + 1 : this.compactTime;
    const rev = this.compactRev;
    const o = await this.step(`compactor txn version ${t}`, (c) =>
      c.txn({
        compare: [{ key: b(COMPACT_REV_KEY), target: rpc.Compare_CompareTarget.VERSION, result: rpc.Compare_CompareResult.EQUAL, version: t }],
        success: [{ request_put: { key: b(COMPACT_REV_KEY), value: b(String(rev)) } }],
        failure: [{ request_range: { key: b(COMPACT_REV_KEY) } }],
      }),
    );
    if (!o.ok) throw new Error(`compactor txn failed on the reference: ${o.message}`);
    const r = o.value as rpc.TxnResponse;
    if (!r.succeeded) {
      this.compactTime = r.responses[0]?.response_range?.kvs[0]?.version ?? 0;
      return;
    }
    this.compactTime = t + 1;
    this.compactRev = this.revision;
    if (rev === 0 || rev <= this.compacted) return;
    this.counts.compact++;
    const c = await this.step(`compact ${rev}`, (cl) => cl.compact(rev));
    if (c.ok) this.compacted = rev;
  }
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting until ${what}`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

async function replay(sides: Side[]): Promise<void> {
  const first = await Promise.all(sides.map((s) => (s.clients[0] as EtcdClient).range('/registry/')));
  const start = (first[0]?.header?.revision ?? 0) + 1;
  expect(first.map((r) => r.header?.revision), 'every side starts at the same revision').toEqual(first.map(() => start - 1));
  // kube-apiserver's watch: prefix, from a revision, prev_kv, progress_notify; one on another member too.
  const opened = sides.map((s) => [
    new WatchLog(`${s.name}: watch /registry/ from ${start}`, s.clients[0] as EtcdClient, '/registry/', { prefix: true, startRevision: start, prevKv: true, progressNotify: true }),
    new WatchLog(`${s.name}: watch /registry/pods/ from ${start}`, s.clients[1 % s.clients.length] as EtcdClient, '/registry/pods/', { prefix: true, startRevision: start, progressNotify: true }),
  ]);
  try {
    const created = await within(Promise.all(opened.map((ws) => Promise.all(ws.map((w) => w.watch.created)))), 10_000, 'the watches are created');
    for (const c of created.slice(1)) expect(comparable(c.map((r) => ({ ...r, header: undefined })), []), 'watch created answers').toEqual(comparable(created[0]?.map((r) => ({ ...r, header: undefined })), []));

    const rp = new Replay(sides, SEED);
    await rp.run(Math.floor(STEPS / 2));
    // kube-apiserver watches from a LIST's revision: a past one, replayed from history.
    const from = Math.max(rp.compacted, rp.revision - 40);
    const mid = sides.map((s) => new WatchLog(`${s.name}: watch /registry/ from ${from}`, s.clients[2 % s.clients.length] as EtcdClient, '/registry/', { prefix: true, startRevision: from, prevKv: true, progressNotify: true }));
    opened.forEach((ws, j) => ws.push(mid[j] as WatchLog));
    // Caught up before the script goes on: etcd cancels a watcher still replaying history when a
    // compaction passes its position, and when that happens is timing.
    await Promise.all(mid.map((w) => w.caughtUp(rp.lastWrite('/registry/', from), rp.revision)));
    await rp.run(STEPS - Math.floor(STEPS / 2));
    console.log(`[k8s-replay] ${STEPS} steps (seed ${SEED}) on ${sides.map((s) => s.name).join(', ')}: up to revision ${rp.revision}, compacted at ${rp.compacted}; ${JSON.stringify(rp.counts)}`);
    expect(rp.counts.conflict, 'the script hit CAS conflicts').toBeGreaterThan(0);
    expect(rp.counts.compact, 'the script compacted').toBeGreaterThan(0);
    expect(rp.counts.pages, 'the script paged').toBeGreaterThan(rp.counts.list);
    expect(rp.counts.gone, 'a paged LIST met a compaction').toBeGreaterThan(0);

    // Caught up: RequestProgress answers with a header-only response at the last revision.
    const lastWrites = [rp.lastWrite('/registry/', start), rp.lastWrite('/registry/pods/', start), rp.lastWrite('/registry/', from)];
    const progress = await Promise.all(opened.map((ws) => Promise.all(ws.map((w, k) => w.caughtUp(lastWrites[k] ?? 0, rp.revision)))));
    const shown = progress.map((ps) => comparable(ps.map((p) => ({ ...p, header: { revision: p.header?.revision } })), []));
    for (const [j, p] of shown.entries()) expect(p, `RequestProgress answers on ${sides[j]?.name}`).toEqual(shown[0]);
    const events = opened.map((ws, j) => ws.map((w) => comparable(w.items, (sides[j] as Side).leases)));
    for (const [j, e] of events.entries()) if (j > 0) expect(e, `watch events on ${sides[j]?.name}`).toEqual(events[0]);
    expect((events[0]?.[0] as unknown[]).length, 'the watch saw events').toBeGreaterThan(0);

    // Watches from past revisions, with prev_kv: below the compaction point (canceled with
    // compact_revision) and at it (the compacted revision itself is still served).
    for (const at of [rp.compacted - 1, rp.compacted]) {
      const last = rp.lastWrite('/registry/', at);
      const late = sides.map((s) => new WatchLog(`${s.name}: late watch from ${at}`, s.clients[0] as EtcdClient, '/registry/', { prefix: true, startRevision: at, prevKv: true }));
      try {
        if (at >= rp.compacted) await Promise.all(late.map((w) => w.caughtUp(last, rp.revision)));
        else await Promise.all(late.map((w) => within(w.watch.done, 10_000, `the watch from compacted revision ${at} ends`)));
        const seen = late.map((w, j) => comparable(w.items, (sides[j] as Side).leases));
        for (const [j, e] of seen.entries()) if (j > 0) expect(e, `watch from ${at} on ${sides[j]?.name}`).toEqual(seen[0]);
        if (at < rp.compacted || last > 0) expect(seen[0], `watch from ${at} reported something`).not.toEqual([]);
      } finally {
        for (const w of late) w.watch.cancel();
      }
    }
  } finally {
    for (const ws of opened) for (const w of ws) w.watch.cancel();
  }
}

describe('kubernetes replay: kube-apiserver traffic against etcd 3.4 and raftkv', () => {
  const fx = useClusters(prereqs({}));
  let etcd: NodeHandle | undefined;
  let single: NodeHandle | undefined;
  let cluster: LocalCluster | undefined;

  beforeAll(async () => {
    if (!haveEtcd) return;
    [etcd, single, cluster] = await Promise.all([startNode({ target: 'etcd' }), startNode({ target: 'raftkv' }), fx.start(3)]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([etcd?.stop(), single?.stop()]);
  });

  it.skipIf(!haveEtcd && !isCI)(`${STEPS} seeded kube-apiserver requests (seed ${SEED}) answer alike`, async () => {
    if (etcd === undefined || single === undefined || cluster === undefined) {
      throw new Error('real etcd (Debian package etcd-server) is required under CI=true');
    }
    const client = (e: string): EtcdClient => new EtcdClient([e], { timeoutMs: 10_000 });
    const sides: Side[] = [
      { name: 'etcd 3.4', clients: [client(etcd.endpoint)], leases: [] },
      { name: 'raftkv', clients: [client(single.endpoint)], leases: [] },
      { name: 'raftkv x3', clients: cluster.endpoints(cluster.nodes).map(client), leases: [] },
    ];
    try {
      await replay(sides);
    } finally {
      for (const s of sides) for (const c of s.clients) c.close();
    }
  }, 120_000);
});
