// A raftkv cluster of real processes on loopback: what `npm run cluster` runs
// and what the cluster tests drive. Nodes n1..nN bootstrap a new cluster with
// etcd's flags; more join through `etcdctl member add` and the ETCD_* lines it
// prints, exactly as an operator would.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { EtcdClient, type ClientTls } from '../src/client/index.js';
import type { StatusResponse } from '../src/gen/etcdserverpb.js';
import { Etcdctl } from '../test/support/etcdctl.js';
import { cleanEnv, sleep, spawnTracked } from '../test/support/proc.js';
import { ClusterNode, type LogSink, type SpawnFn } from './cluster-node.js';
import { bootstrapFlags, joinFlags, parseMemberAddEnv, peerUrl, type MemberSpec } from './node-flags.js';
import { REPO_ROOT, SERVER_ENTRY } from './paths.js';
import type { ClusterPki } from './pki.js';
import { fixedPorts, MAX_NODES, type NodePorts } from './ports.js';

export const DEFAULT_TOKEN = 'raftkv-cluster';

export interface LocalClusterOptions {
  /** Data dirs are <baseDir>/<name>; with file logs, logs are <baseDir>/<name>.log. */
  baseDir: string;
  token?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Ports of the node at a 0-based index. Default: the fixed ports of `npm run cluster`. */
  ports?: (index: number) => NodePorts | Promise<NodePorts>;
  /** Appended to every node's flags, e.g. ['--snapshot-count', '100']. */
  extraFlags?: string[];
  /** Extra environment; inherited ETCD_* / ETCDCTL_* variables are always dropped. */
  env?: Record<string, string | undefined>;
  /** Default: test/support's spawnTracked (nothing outlives the process). */
  spawn?: SpawnFn;
  /** 'files' (default) or a callback getting every output line of every node. */
  logs?: 'files' | ((name: string, line: string) => void);
  /** SIGTERM to SIGKILL grace in stop(); default 5000 ms. */
  stopGraceMs?: number;
  /** How long a started process may take to answer Status; default 20000 ms. */
  readyTimeoutMs?: number;
  /** Called whenever a node's process exits. */
  onNodeExit?: (node: ClusterNode, status: number) => void;
  /** Set: every member serves https on both ports with certificates from here, and requires client certificates. */
  pki?: ClusterPki;
}

export interface AddedMember {
  node: ClusterNode;
  id: bigint;
  /** etcdctl's output (stdout). */
  output: string;
  /** The ETCD_* variables it printed, which the node was started with. */
  env: Record<string, string>;
}

export class LocalCluster {
  readonly nodes: ClusterNode[] = [];
  readonly baseDir: string;
  readonly token: string;
  readonly host: string;

  constructor(private readonly opts: LocalClusterOptions) {
    this.baseDir = path.resolve(opts.baseDir);
    this.token = opts.token ?? DEFAULT_TOKEN;
    this.host = opts.host ?? '127.0.0.1';
  }

  /**
   * Creates the n founding members (n1..nN) without starting them: their
   * command lines are what start() runs (compose.test.ts compares them).
   */
  async prepare(n: number): Promise<ClusterNode[]> {
    if (!Number.isInteger(n) || n < 1 || n > MAX_NODES) throw new Error(`cluster size must be 1..${MAX_NODES}, got ${n}`);
    if (this.nodes.length > 0) throw new Error('cluster already prepared');
    await this.opts.pki?.init();
    const specs: MemberSpec[] = [];
    for (let i = 0; i < n; i++) specs.push(await this.spec(`n${i + 1}`, i));
    for (const s of specs) {
      this.nodes.push(this.makeNode(s, [...bootstrapFlags(s, specs, this.token), ...(this.opts.extraFlags ?? [])], {}));
    }
    return [...this.nodes];
  }

  /** Starts n founding members at once and (by default) waits until all are healthy. */
  async start(n: number, opts: { waitHealthy?: boolean; healthTimeoutMs?: number } = {}): Promise<void> {
    await this.prepare(n);
    mkdirSync(this.baseDir, { recursive: true });
    // All at once: a member cannot finish starting alone, it needs a quorum to elect a leader.
    const results = await Promise.allSettled(this.nodes.map((node) => node.start()));
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failed.length > 0) throw failed[0];
    if (opts.waitHealthy !== false) await this.waitHealthy({ timeoutMs: opts.healthTimeoutMs ?? 30_000 });
  }

  node(name: string): ClusterNode {
    const n = this.nodes.find((x) => x.name === name);
    if (n === undefined) throw new Error(`no node ${name}`);
    return n;
  }

  /** Nodes that are members (not removed), running or not. */
  get members(): ClusterNode[] {
    return this.nodes.filter((n) => !n.removed);
  }

  /** Members whose process runs. */
  get running(): ClusterNode[] {
    return this.members.filter((n) => n.running);
  }

  /** Client endpoints ("127.0.0.1:PORT") of the given nodes, default every running member. */
  endpoints(nodes: readonly ClusterNode[] = this.running): string[] {
    return nodes.map((n) => n.endpoint);
  }

  /** A client over the given nodes' endpoints (default: every running member). Close it after use. */
  client(nodes: readonly ClusterNode[] = this.running, timeoutMs = 5000): EtcdClient {
    return new EtcdClient(this.endpoints(nodes), { timeoutMs, tls: this.clientTls });
  }

  /** What clients present to a TLS cluster; undefined for a plain one. */
  get clientTls(): ClientTls | undefined {
    return this.opts.pki?.clientTls();
  }

  /** etcdctl's TLS flags for this cluster ([] for a plain one). */
  ctlTlsFlags(): string[] {
    const t = this.clientTls;
    if (t === undefined) return [];
    return [`--cacert=${t.caFile ?? ''}`, `--cert=${t.certFile ?? ''}`, `--key=${t.keyFile ?? ''}`];
  }

  /**
   * The leader, by Maintenance.Status: the one running voter that reports
   * itself as leader, agreed on by every other voter that answers. Undefined
   * while there is none (or the voters disagree, e.g. mid-election).
   */
  async leader(): Promise<ClusterNode | undefined> {
    const voters = this.running.filter((n) => !n.learner);
    const st = await Promise.all(voters.map((n) => n.status(1000).catch(() => undefined)));
    const claims = voters.filter((_n, i) => {
      const s = st[i];
      return s !== undefined && s.leader !== 0n && s.leader === s.header?.member_id;
    });
    const leader = claims[0];
    if (claims.length !== 1 || leader === undefined) return undefined;
    if (st.some((s) => s !== undefined && s.leader !== leader.memberId)) return undefined;
    return leader;
  }

  /** Polls leader() until there is one (other than `not`, if given). */
  async waitLeader(opts: { timeoutMs?: number; not?: ClusterNode } = {}): Promise<ClusterNode> {
    const timeoutMs = opts.timeoutMs ?? 20_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const l = await this.leader();
      if (l !== undefined && l !== opts.not) return l;
      if (Date.now() > deadline) {
        throw new Error(`no leader${opts.not !== undefined ? ` other than ${opts.not.name}` : ''} after ${timeoutMs} ms`);
      }
      await sleep(100);
    }
  }

  /** Running voters other than the leader. */
  async followers(): Promise<ClusterNode[]> {
    const l = await this.waitLeader();
    return this.running.filter((n) => n !== l && !n.learner);
  }

  /** Status of every running member (errors as undefined). */
  async statuses(): Promise<Map<ClusterNode, StatusResponse | undefined>> {
    const nodes = this.running;
    const st = await Promise.all(nodes.map((n) => n.status(2000).catch(() => undefined)));
    return new Map(nodes.map((n, i) => [n, st[i]]));
  }

  /**
   * Waits until every given node (default: running voters) answers what
   * `etcdctl endpoint health` checks: a linearizable Get of "health", which
   * needs a leader and a quorum.
   */
  async waitHealthy(opts: { nodes?: readonly ClusterNode[]; timeoutMs?: number } = {}): Promise<void> {
    const nodes = opts.nodes ?? this.running.filter((n) => !n.learner);
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    const lastErr = new Map<ClusterNode, string>();
    for (;;) {
      const ok = await Promise.all(
        nodes.map(async (n) => {
          if (!n.running) {
            lastErr.set(n, `not running (exit status ${n.exitStatus ?? '?'}); log tail:\n${n.logTail(15)}`);
            return false;
          }
          const c = n.client(2000);
          try {
            await c.range('health');
            return true;
          } catch (e) {
            lastErr.set(n, e instanceof Error ? e.message : String(e));
            return false;
          } finally {
            c.close();
          }
        }),
      );
      if (ok.every(Boolean)) return;
      if (Date.now() > deadline) {
        const why = nodes.flatMap((n, i) => (ok[i] === true ? [] : [`${n.name} (${n.endpoint}): ${lastErr.get(n) ?? '?'}`]));
        throw new Error(`cluster not healthy after ${timeoutMs} ms:\n${why.join('\n')}`);
      }
      await sleep(200);
    }
  }

  /**
   * `etcdctl member add <name> --peer-urls=... [--learner]` against the
   * running members, then (unless start: false) starts the new node with the
   * ETCD_* variables etcdctl printed plus its own data dir and listen URLs.
   */
  async addMember(name: string, opts: { learner?: boolean; start?: boolean } = {}): Promise<AddedMember> {
    const spec = await this.spec(name, this.nodes.length);
    const ctl = new Etcdctl(this.endpoints().join(','));
    const args = [...this.ctlTlsFlags(), 'member', 'add', name, `--peer-urls=${peerUrl(spec)}`];
    if (opts.learner === true) args.push('--learner');
    const res = await ctl.run(args);
    if (res.code !== 0) throw new Error(`etcdctl ${args.join(' ')} failed (exit ${res.code}): ${res.stderr}${res.stdout}`);
    const m = /Member\s+([0-9a-f]+)\s+added to cluster/.exec(res.stdout);
    if (m === null) throw new Error(`cannot parse member add output:\n${res.stdout}`);
    const id = BigInt(`0x${m[1] as string}`);
    const env = parseMemberAddEnv(res.stdout);
    const node = this.makeNode(spec, [...joinFlags(spec), ...(this.opts.extraFlags ?? [])], env);
    node.memberId = id;
    node.learner = opts.learner === true;
    this.nodes.push(node);
    if (opts.start !== false) await node.start();
    return { node, id, output: res.stdout, env };
  }

  /** Stops every node still running (SIGTERM, then SIGKILL after the grace period). */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
  }

  /** SIGKILLs every node still running (test cleanup). */
  async killAll(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.kill('SIGKILL')));
  }

  private async spec(name: string, index: number): Promise<MemberSpec> {
    const ports = await (this.opts.ports ?? fixedPorts)(index);
    const spec: MemberSpec = { name, host: this.host, clientPort: ports.client, peerPort: ports.peer, dataDir: path.join(this.baseDir, name) };
    if (this.opts.pki !== undefined) spec.tls = await this.opts.pki.member(name);
    return spec;
  }

  private makeNode(spec: MemberSpec, args: string[], env: Record<string, string>): ClusterNode {
    const logs = this.opts.logs ?? 'files';
    const log: LogSink =
      logs === 'files'
        ? { kind: 'file', path: path.join(this.baseDir, `${spec.name}.log`) }
        : { kind: 'lines', onLine: (line) => logs(spec.name, line) };
    const onNodeExit = this.opts.onNodeExit;
    const node: ClusterNode = new ClusterNode({
      spec,
      args,
      env: cleanEnv({ ...this.opts.env, ...env }),
      command: process.execPath,
      entry: SERVER_ENTRY,
      cwd: REPO_ROOT,
      spawn: this.opts.spawn ?? spawnTracked,
      log,
      stopGraceMs: this.opts.stopGraceMs ?? 5000,
      readyTimeoutMs: this.opts.readyTimeoutMs ?? 20_000,
      clientTls: this.clientTls,
      ...(onNodeExit !== undefined ? { onExit: (status: number) => onNodeExit(node, status) } : {}),
    });
    return node;
  }
}
