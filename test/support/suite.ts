// Per-file fixture: a fresh node started in beforeAll and stopped in
// afterAll, an Etcdctl bound to it, and a Normalizer for its IDs. On a test
// failure the node's log tail is printed; background etcdctl processes are
// killed after every test.
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { Etcdctl } from './etcdctl.js';
import { startNode, type NodeHandle, type StartNodeOptions } from './node.js';
import { Normalizer } from './normalize.js';
import type { Prereqs } from './env.js';

export interface NodeFixture {
  readonly node: NodeHandle;
  readonly ctl: Etcdctl;
  readonly norm: Normalizer;
  /** Shorthand for norm.apply. */
  n(s: string): string;
}

export function useNode(pre: Prereqs, opts: StartNodeOptions = {}): NodeFixture {
  let node: NodeHandle | undefined;
  let ctl: Etcdctl | undefined;
  let norm: Normalizer | undefined;

  beforeAll(async () => {
    pre.assert();
    node = await startNode(opts);
    ctl = new Etcdctl(node.endpoint);
    norm = await Normalizer.forNode(node);
  });

  let logPrinted = false;
  beforeEach((ctx) => {
    ctx.onTestFailed(() => {
      // once per file: the node's recent log, to tell server-side trouble apart
      if (node !== undefined && !logPrinted) {
        logPrinted = true;
        console.error(`--- ${node.target} node ${node.name} (${node.endpoint}) log tail, ${node.logFile}:\n${node.logTail(30)}`);
      }
    });
  });

  // A test never leaves a process behind: background etcdctl processes
  // (watch, lock, elect, keep-alive) are SIGKILLed, with their children, after each test.
  afterEach(() => {
    ctl?.killAll();
  });

  afterAll(async () => {
    ctl?.killAll();
    await node?.stop();
  });

  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${what} not available: beforeAll failed (see above)`);
    return v;
  };

  return {
    get node() {
      return need(node, 'node');
    },
    get ctl() {
      return need(ctl, 'etcdctl');
    },
    get norm() {
      return need(norm, 'normalizer');
    },
    n(s: string) {
      return need(norm, 'normalizer').apply(s);
    },
  };
}

/**
 * A real etcd 3.4 and a raftkv member, each single, started side by side for the describe block
 * (stopped after it): the accessor gives [etcd, raftkv] and throws if they did not start.
 */
export function useEtcdAndRaftkv(pre: Prereqs): () => [NodeHandle, NodeHandle] {
  let etcd: NodeHandle | undefined;
  let raftkv: NodeHandle | undefined;
  beforeAll(async () => {
    pre.assert();
    [etcd, raftkv] = await Promise.all([startNode({ target: 'etcd' }), startNode({ target: 'raftkv' })]);
  });
  afterAll(async () => {
    await Promise.all([raftkv?.stop(), etcd?.stop()]);
  });
  return () => {
    if (raftkv === undefined || etcd === undefined) throw new Error('nodes not started: beforeAll failed');
    return [etcd, raftkv];
  };
}
