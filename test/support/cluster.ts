// Per-file fixture for multi-node tests: LocalClusters (cluster/) on free
// loopback ports in temp dirs, etcdctl runners, and cleanup that SIGKILLs
// every node and etcdctl even when a test fails (clusters started inside a
// test after it, those started in beforeAll after the file). On a failure
// the log tail of every node is printed.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { LocalCluster, type LocalClusterOptions } from '../../cluster/local-cluster.js';
import { ClusterPki } from '../../cluster/pki.js';
import type { Prereqs } from './env.js';
import { Etcdctl } from './etcdctl.js';
import { freePort } from './ports.js';

export interface TestClusterOptions {
  /** Extra server flags for every node, e.g. ['--snapshot-count', '100']. */
  extraFlags?: string[];
  healthTimeoutMs?: number;
  /** https on both ports with certificate auth, certificates made in <baseDir>/pki. */
  tls?: boolean;
}

export interface ClusterFixture {
  /** False when a required tool is missing (then every test fails; start nothing in beforeAll). */
  readonly ready: boolean;
  /** Starts an n-node cluster and waits until it is healthy and has a leader. */
  start(n: number, opts?: TestClusterOptions): Promise<LocalCluster>;
  /** An etcdctl runner for the given endpoints (killed after each test). */
  ctl(endpoints: string | readonly string[]): Etcdctl;
  /** One n-node cluster for the whole describe block, started in its beforeAll; the accessor throws if it did not start. */
  shared(n: number, opts?: TestClusterOptions): () => LocalCluster;
}

const keep = (): boolean => process.env['RAFTKV_TEST_KEEP'] === '1';

async function startOnce(n: number, opts: TestClusterOptions): Promise<LocalCluster> {
  const baseDir = mkdtempSync(path.join(os.tmpdir(), 'raftkv-cluster-'));
  const clusterOpts: LocalClusterOptions = {
    baseDir,
    ports: async () => ({ client: await freePort(), peer: await freePort() }),
    extraFlags: opts.extraFlags ?? [],
    logs: 'files',
    ...(opts.tls === true ? { pki: new ClusterPki(path.join(baseDir, 'pki')) } : {}),
  };
  const cluster = new LocalCluster(clusterOpts);
  try {
    await cluster.start(n, { healthTimeoutMs: opts.healthTimeoutMs ?? 30_000 });
    await cluster.waitLeader();
    return cluster;
  } catch (e) {
    await cluster.killAll();
    (e as { cluster?: LocalCluster }).cluster = cluster;
    throw e;
  }
}

function portClash(cluster: LocalCluster | undefined): boolean {
  return cluster?.nodes.some((n) => /EADDRINUSE|address already in use/i.test(n.logTail(40))) ?? false;
}

/**
 * `pre`: the file's prereqs. A missing tool fails every test (in beforeEach:
 * a failing beforeAll would only mark them skipped); a file's beforeAll
 * should then start nothing (see `ready`).
 */
export function useClusters(pre: Prereqs): ClusterFixture {
  const perTest: LocalCluster[] = [];
  const perFile: LocalCluster[] = [];
  const ctls: Etcdctl[] = [];
  let inTest = false;

  const dispose = async (list: LocalCluster[]): Promise<void> => {
    const all = list.splice(0);
    await Promise.all(all.map((c) => c.killAll()));
    if (!keep()) for (const c of all) rmSync(c.baseDir, { recursive: true, force: true });
  };

  beforeEach(() => {
    inTest = true;
    pre.assert();
  });

  // Logs are printed here rather than in onTestFailed, which runs after the
  // hooks, when the clusters (and their log files) are gone.
  afterEach(async (ctx) => {
    inTest = false;
    for (const c of ctls) c.killAll();
    const failed = ctx.task.result?.state === 'fail';
    if (failed) {
      for (const c of [...perFile, ...perTest]) {
        for (const n of c.nodes) {
          console.error(`--- ${n.name} (${n.endpoint}, running=${n.running}) ${n.logFile ?? ''}:\n${n.logTail(40)}`);
        }
      }
    }
    await dispose(perTest);
  });

  afterAll(async () => {
    for (const c of ctls) c.killAll();
    await dispose(perTest);
    await dispose(perFile);
  });

  const fixture: ClusterFixture = {
    ready: pre.missing.length === 0,
    async start(n, opts = {}) {
      pre.assert();
      const list = inTest ? perTest : perFile;
      for (let attempt = 0; ; attempt++) {
        try {
          const c = await startOnce(n, opts);
          list.push(c);
          return c;
        } catch (e) {
          const failed = (e as { cluster?: LocalCluster }).cluster;
          // Another worker may have taken a port between the check and the bind.
          const retry = portClash(failed) && attempt < 2;
          if (failed !== undefined && !keep()) rmSync(failed.baseDir, { recursive: true, force: true });
          if (!retry) throw e;
        }
      }
    },
    ctl(endpoints) {
      const c = new Etcdctl(typeof endpoints === 'string' ? endpoints : endpoints.join(','));
      ctls.push(c);
      return c;
    },
    shared(n, opts = {}) {
      let cluster: LocalCluster | undefined;
      beforeAll(async () => {
        if (fixture.ready) cluster = await fixture.start(n, opts);
      });
      return () => {
        if (cluster === undefined) throw new Error('cluster not started: beforeAll failed');
        return cluster;
      };
    },
  };
  return fixture;
}
