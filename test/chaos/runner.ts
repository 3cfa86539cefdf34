// One chaos run: a cluster behind proxies, the workloads recording a history
// while the nemesis schedule runs, a heal, a recovery period, the final
// state, then the checkers. Used by run.ts (npm run chaos) and the CI tests.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EtcdClient } from '../../src/client/index.js';
import { ChaosCluster, type ClusterEvent } from './chaos-cluster.js';
import { runCheckers, type Verdict } from './checks.js';
import { Clock, sleep } from './clock.js';
import type { ChaosHistory, FinalState } from './history.js';
import { describeNemeses, parseNemeses, runSchedule, type NemesisLogEntry, type NemesisSpec } from './nemesis/index.js';
import { Rng } from './rng.js';
import { snapshotServerBuild } from './server-build.js';
import { leaderElections } from './node-logs.js';
import { readFinalState } from './workload/final-state.js';
import { runLeases } from './workload/leases.js';
import { runLocks } from './workload/locks.js';
import { Recorder } from './workload/recorder.js';
import { runRegisters } from './workload/registers.js';
import { runSets } from './workload/sets.js';
import type { WorkloadContext } from './workload/types.js';
import { WatchWorkload } from './workload/watches.js';

export interface ChaosOptions {
  timeSec: number;
  /** "kill,partition:isolate-leader" (kind or kind:variant), "all" or "none". */
  nemesis: NemesisSpec;
  nodes: number;
  seed: number;
  bugs?: string[];
  /** Appended to every node's flags (e.g. a slow disk everywhere: --test-fsync-delay-ms 20). */
  extraFlags?: string[];
  /** Where the history (and, on failure, the logs) go; default a new dir under os.tmpdir(). */
  outDir?: string;
  /** Workload sizes. */
  clients?: number;
  keys?: number;
  /** Register clients move on to fresh keys this often (short per-key histories). */
  keyGenerationMs?: number;
  watchers?: number;
  lockHolders?: number;
  /** Writers of unique, never-overwritten keys. */
  setWriters?: number;
  leaseWorkers?: number;
  /** Client per-call deadline (indeterminate beyond it). */
  opTimeoutMs?: number;
  /** Fault durations and gaps, ms. */
  activeMs?: [number, number];
  quietMs?: [number, number];
  /** Load after the final heal, before the end. */
  recoverMs?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** Keep the nodes' data dirs even when the run passes. */
  keepData?: boolean;
  /** Run the nodes from a private copy of dist-dev/src (a rebuild mid-run cannot touch them). */
  snapshotBuild?: boolean;
}

export interface RunStats {
  ops: number;
  okOps: number;
  failOps: number;
  infoOps: number;
  byType: Record<string, number>;
  watchSegments: number;
  watchEvents: number;
  lockSections: number;
  guardedWrites: number;
  leases: number;
  episodes: number;
  durationMs: number;
}

export interface ChaosResult {
  ok: boolean;
  outDir: string;
  historyPath: string;
  verdicts: Verdict[];
  stats: RunStats;
  nemesisLog: NemesisLogEntry[];
  /** The members' data dirs, when kept (a violation or keepData). */
  keptDataDir?: string;
}

export const PREFIX = '/chaos/';
export const ELECTION_TIMEOUT_MS = 1000;
/** The lessor checks expiry every 500 ms, then the revoke is proposed, committed (a slow disk, a slow network) and applied. */
export const LEASE_SLACK_MS = 2000;

export async function runChaos(opts: ChaosOptions): Promise<ChaosResult> {
  const log = opts.log ?? ((): void => undefined);
  const nemeses = parseNemeses(opts.nemesis);
  const clock = new Clock();
  const epochMs = Date.now() - clock.now();
  const rng = new Rng(opts.seed);
  const outDir = opts.outDir ?? mkdtempSync(path.join(os.tmpdir(), `raftkv-chaos-seed${opts.seed}-`));
  mkdirSync(outDir, { recursive: true });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'raftkv-chaos-data-'));
  const at = (): string => `${(clock.now() / 1000).toFixed(1)}s`;

  const build = opts.snapshotBuild === true ? snapshotServerBuild() : undefined;
  const nemesisLog: NemesisLogEntry[] = [];
  const clusterEvents: ClusterEvent[] = [];
  const problems: string[] = [];
  const cluster = new ChaosCluster({
    size: opts.nodes,
    baseDir: dataDir,
    clock,
    rng: rng.fork('cluster'),
    bugs: opts.bugs ?? [],
    extraFlags: opts.extraFlags ?? [],
    ...(build !== undefined ? { serverEntry: build.entry } : {}),
    onEvent: (e) => clusterEvents.push(e),
  });
  const recorder = new Recorder();
  let stopped = false;
  let episodes = 0;
  let final: FinalState | undefined;
  let watches: WatchWorkload | undefined;
  let load: Promise<unknown> | undefined;

  try {
    log(`[chaos] seed ${opts.seed}, ${opts.nodes} nodes, nemesis ${describeNemeses(nemeses)}, ${opts.timeSec}s${opts.bugs?.length ? `, bug ${opts.bugs.join(',')}` : ''}`);
    await cluster.start();
    log(`[chaos ${at()}] cluster up: ${cluster.endpoints.join(' ')}`);
    const startRevision = (await baselineRevision(cluster.endpoints)) + 1;

    const ctx: WorkloadContext = {
      endpoints: cluster.endpoints,
      prefix: PREFIX,
      clock,
      rng: rng.fork('workload'),
      recorder,
      timeoutMs: opts.opTimeoutMs ?? 1500,
      stopped: () => stopped,
    };
    watches = new WatchWorkload(ctx, { watchers: opts.watchers ?? 3, startRevision });
    watches.start();
    load = Promise.all([
      runRegisters(ctx, { clients: opts.clients ?? 2 * opts.nodes + 2, keys: opts.keys ?? 5, generationMs: opts.keyGenerationMs ?? 10_000, thinkMs: 20 }),
      runLocks(ctx, { holders: opts.lockHolders ?? 3, locks: 1, ttlSeconds: 2, acquireTimeoutMs: 8000 }),
      runLeases(ctx, { workers: opts.leaseWorkers ?? 2, ttlSeconds: [2, 3], observeSlackMs: 6000 }),
      runSets(ctx, { clients: opts.setWriters ?? 2, thinkMs: 60 }),
    ]);

    episodes = await runSchedule({
      cluster,
      nemeses,
      rng: rng.fork('nemesis'),
      clock,
      untilMs: clock.now() + opts.timeSec * 1000,
      activeMs: opts.activeMs ?? [2000, 5000],
      quietMs: opts.quietMs ?? [1000, 3000],
      log: (e) => {
        nemesisLog.push(e);
        log(`[chaos ${at()}] nemesis ${e.action} ${e.kind}: ${e.detail}`);
      },
    });

    log(`[chaos ${at()}] healing`);
    try {
      await cluster.heal(60_000);
    } catch (e) {
      problems.push(`the cluster did not recover after the final heal: ${msg(e)}`);
      throw e;
    }
    await sleep(opts.recoverMs ?? 3000);
    stopped = true;
    await load;
    log(`[chaos ${at()}] load stopped: ${recorder.ops.length} ops`);

    // A last write every watcher must deliver: it closes every watch history.
    const endRevision = await sentinel(cluster.endpoints, 20_000);
    const behind = await watches.finish(endRevision, 40_000);
    if (behind.length > 0) problems.push(`watchers ${behind.join(',')} never delivered revision ${endRevision} (the sentinel write) within 40 s`);
    final = await readFinalState(
      cluster.nodes.map((n) => ({ name: n.name, endpoint: n.endpoint })),
      PREFIX,
      30_000,
    );
    log(`[chaos ${at()}] final state read at revision ${final.hashes[0]?.revision ?? '?'}`);
  } catch (e) {
    if (problems.length === 0) problems.push(`run aborted: ${msg(e)}`);
    log(`[chaos ${at()}] ERROR ${msg(e)}`);
  } finally {
    stopped = true;
    await watches?.abort();
    await load?.catch(() => undefined);
    await cluster.destroy();
    build?.dispose();
  }
  for (const x of cluster.unexpectedExits) {
    problems.push(`${x.node} exited unexpectedly (status ${x.status}) at ${(x.atMs / 1000).toFixed(1)}s; log tail:\n${x.logTail}`);
  }

  const history: ChaosHistory = recorder.history({
    meta: {
      seed: opts.seed,
      nodes: opts.nodes,
      nemesis: describeNemeses(nemeses),
      bugs: opts.bugs ?? [],
      extraFlags: opts.extraFlags ?? [],
      timeSec: opts.timeSec,
      startedAt: new Date(epochMs).toISOString(),
      nemesisLog,
      clusterEvents,
      problems,
    },
    leaseParams: {
      electionTimeoutMs: ELECTION_TIMEOUT_MS,
      slackMs: LEASE_SLACK_MS,
      leaderChangesMs: leaseClockEvents(leaderElections(cluster.nodes.map((n) => n.logFile), epochMs), clusterEvents),
    },
    ...(final !== undefined ? { final } : {}),
  });
  const historyPath = path.join(outDir, 'history.json');
  writeFileSync(historyPath, JSON.stringify(history));

  log(`[chaos ${at()}] checking ${history.ops?.length ?? 0} ops`);
  const verdicts = [...runCheckers(history), { checker: 'liveness', valid: problems.length === 0, summary: problems.length === 0 ? 'recovered, all watchers caught up, no crash' : `${problems.length} problem(s)`, errors: problems }];
  const ok = verdicts.every((v) => v.valid === true);
  writeFileSync(path.join(outDir, 'verdicts.json'), JSON.stringify(verdicts, null, 2));
  if (!ok) {
    for (const n of cluster.nodes) if (existsSync(n.logFile)) cpSync(n.logFile, path.join(outDir, path.basename(n.logFile)));
  }
  const keep = !ok || opts.keepData === true;
  if (keep) log(`[chaos] data dirs kept in ${dataDir}`);
  else rmSync(dataDir, { recursive: true, force: true });

  return { ok, outDir, historyPath, verdicts, stats: stats(history, episodes, clock.now()), nemesisLog, ...(keep ? { keptDataDir: dataDir } : {}) };
}

/**
 * Times at which lease clocks may have restarted: every election (from the
 * logs) and every kill, pause or stop of a member, since a leader that dies
 * or freezes stops expiring leases until the next one takes over and gives
 * every lease a full TTL (after a kill of every member, that is only once
 * they are back). Being generous here only loosens the "gone by" check.
 */
function leaseClockEvents(elections: number[], events: readonly ClusterEvent[]): number[] {
  const stops = events.filter((e) => e.event === 'kill' || e.event === 'pause' || e.event === 'stop').map((e) => e.atMs);
  return [...new Set([...elections, ...stops])].sort((a, b) => a - b);
}

async function baselineRevision(endpoints: string[]): Promise<number> {
  const c = new EtcdClient(endpoints, { timeoutMs: 5000 });
  try {
    return (await c.range(PREFIX, { prefix: true, count_only: true })).header?.revision ?? 0;
  } finally {
    c.close();
  }
}

/** Puts <prefix>end until acknowledged; returns its revision. */
async function sentinel(endpoints: string[], timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const c = new EtcdClient(endpoints, { timeoutMs: 3000 });
  try {
    for (;;) {
      try {
        const r = await c.put(`${PREFIX}end`, 'end');
        return r.header?.revision ?? 0;
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`sentinel write failed: ${msg(e)}`);
        await sleep(300);
      }
    }
  } finally {
    c.close();
  }
}

function stats(h: ChaosHistory, episodes: number, durationMs: number): RunStats {
  const ops = h.ops ?? [];
  const byType: Record<string, number> = {};
  for (const o of ops) byType[o.type] = (byType[o.type] ?? 0) + 1;
  return {
    ops: ops.length,
    okOps: ops.filter((o) => o.outcome === 'ok').length,
    failOps: ops.filter((o) => o.outcome === 'fail').length,
    infoOps: ops.filter((o) => o.outcome === 'info').length,
    byType,
    watchSegments: h.watches?.length ?? 0,
    watchEvents: (h.watches ?? []).reduce((s, w) => s + w.events.length, 0),
    lockSections: h.locks?.length ?? 0,
    guardedWrites: (h.locks ?? []).reduce((s, l) => s + l.writes.length, 0),
    leases: h.leases?.length ?? 0,
    episodes,
    durationMs: Math.round(durationMs),
  };
}

function msg(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
