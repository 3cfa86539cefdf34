import { LatencyHistograms } from '../api/metrics/latency-histograms.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ClientServer } from '../api/client-server.js';
import type { HeaderSource } from '../api/header.js';
import { Pprof } from '../api/http/pprof.js';
import { LeaderRequirement } from '../api/require-leader.js';
import type { WatchSend } from '../api/watch-service.js';
import { RaftThread } from '../consensus/raft-thread.js';
import { DeferredEvents } from '../server/deferred-events.js';
import * as rpc from '../gen/etcdserverpb.js';
import { ApplyHost } from '../server/apply-host.js';
import { autoCompactor, type Compactor } from '../server/auto-compactor.js';
import { DEFAULT_QUOTA_BYTES } from '../server/config.js';
import { CorruptionCheck } from '../server/corruption-check.js';
import { IdGenerator } from '../server/id-generator.js';
import { establishIdentity } from '../server/identity.js';
import { KvReads } from '../server/kv-reads.js';
import { LeaderForwarder } from '../server/leader-forwarder.js';
import { LeaderTransfer } from '../server/leader-transfer.js';
import { LeaseExpiry } from '../server/lease-expiry.js';
import { MemberAdmin } from '../server/member-admin.js';
import { MembershipView } from '../server/membership-view.js';
import { Proposer, type ProposerOptions } from '../server/proposer.js';
import { AttributePublisher } from '../server/publisher.js';
import { QuotaGuard } from '../server/quota.js';
import { ReadBarrier, type ReadGate } from '../server/read-barrier.js';
import { copyStateDb } from '../server/state-copy.js';
import { emptyStateSize, StateMachine } from '../server/state-machine.js';
import { AppliedIndexWaiters } from '../server/waiters.js';
import { Writes } from '../server/writes.js';
import { hasCert } from '../tls/settings.js';
import { WatchHub } from '../watch/index.js';
import { CountedProposer } from './counted-proposer.js';
import type { DaemonOptions } from './flags.js';
import type { JoinInfo } from './join.js';
import { DEFAULT_BCRYPT_COST } from '../auth/password.js';
import { SimpleTokens } from '../auth/simple-tokens.js';
import type { AuthSetup } from './auth-setup.js';
import { memberLogger } from './logger.js';
import { memberProbes } from './member-probes.js';
import { clientTls, peerHashFetcher } from './peer-hashes.js';
import { consoleAuth } from '../api/console/auth-check.js';
import { CONSOLE_BUNDLE_DIR } from '../api/console/bundle-dir.js';
import { LeaderTimeline } from '../api/console/leader-timeline.js';
import { ETCD_RELEASE } from '../version.js';

/** Parts a caller may replace when composing a member (the fault-injection entry point does). */
export interface MemberParts {
  /** Entry point of the Raft thread, and settings only that entry point reads. */
  raftWorker?: { url: URL; extension: unknown };
  /** The gate linearizable reads wait on. */
  readGate?: (real: ReadGate) => ReadGate;
  /** How requests are proposed and their results awaited. */
  proposer?: (o: ProposerOptions) => Proposer;
  /** Wraps each watch stream's writer. */
  wrapWatchSend?: (send: WatchSend) => WatchSend;
}

/** etcd's request timeout: a write or read barrier that takes longer fails. */
const REQUEST_TIMEOUT_MS = 7000;
/** Entries kept behind the log's compaction point so a slow follower can catch up from the log. */
const CATCH_UP_ENTRIES = 5000;

// One raftkv member, and the composition root: every service is built here and handed exactly the
// narrow views it needs. Threads: the Raft thread (consensus/raft-thread-main.ts) owns the Raft log
// and the peer port; this (main) thread owns the state database, the client port and the rest.
export class Daemon {
  private readonly sm: StateMachine;
  private readonly consensus: RaftThread;
  private readonly host: ApplyHost;
  private readonly hub: WatchHub;
  private readonly proposer: Proposer;
  private readonly barrier: ReadBarrier;
  private readonly appliedWaiters: AppliedIndexWaiters;
  private readonly forwarder: LeaderForwarder;
  private readonly leaseExpiry: LeaseExpiry;
  private readonly publisher: AttributePublisher;
  private readonly client: ClientServer;
  private readonly compactor: Compactor | undefined;
  private readonly corruption: CorruptionCheck;
  /** Whether the data dir held applied state before this start (etcd's memberInitialized). */
  private readonly initialized: boolean;
  private readonly ids: { member: string; cluster: string };
  private running = false;
  private stopped = false;
  private removing = false;

  constructor(
    private readonly opts: DaemonOptions,
    readonly logger: Logger = memberLogger(opts.logLevel, opts.logOutputs),
    joined?: JoinInfo,
    parts: MemberParts = {},
    auth: AuthSetup = { tokens: new SimpleTokens(), bcryptCost: DEFAULT_BCRYPT_COST, warnings: [] },
  ) {
    const config = opts.config;
    for (const w of auth.warnings) logger.warn(`auth: ${w}`);
    const memberDir = join(config.dataDir, 'member');
    mkdirSync(memberDir, { recursive: true, mode: 0o700 });

    // The hub is built on the store, and the store asks the hub whether events need prev_kv.
    let hub: WatchHub | undefined;
    const latencies = new LatencyHistograms();
    const sm = new StateMachine(join(memberDir, 'state.db'), {
      logger,
      wantPrevKv: () => hub?.wantsPrevKv() ?? true,
      tokens: auth.tokens,
      onCommit: (s) => latencies.observeBackendCommit(s),
    });
    this.sm = sm;
    const { memberId, clusterId } = establishIdentity(config, join(memberDir, 'raft.db'), joined);
    const ids = new IdGenerator(memberId);
    this.appliedWaiters = new AppliedIndexWaiters(sm.appliedIndex());

    const consensus = new RaftThread({
      config: {
        memberId,
        clusterId,
        memberDir,
        stateDbPath: sm.path,
        logLevel: logger.level,
        heartbeatMs: config.heartbeatIntervalMs,
        electionMs: config.electionTimeoutMs,
        catchUpEntries: CATCH_UP_ENTRIES,
        listenPeerUrls: config.listenPeerUrls,
        peerTls: config.peerTls,
        applied: sm.appliedIndex(),
        appliedTerm: sm.appliedTerm(),
        members: sm.members.list(),
        initialPeers: (joined?.membership.members ?? []).map((m) => ({ id: m.id, peerUrls: m.peerUrls })),
        extension: parts.raftWorker?.extension,
      },
      workerUrl: parts.raftWorker?.url,
      logger,
      snapshotCount: config.snapshotCount,
      onRemoved: (graceMs) => this.removed(graceMs),
      onLatencies: (batch) => {
        latencies.observeWalFsync(batch.walFsync);
        for (const [to, rtts] of batch.peerRtt) latencies.observePeerRtt(to.toString(16), rtts);
      },
      onFatal: () => process.exit(1),
    });
    this.consensus = consensus;

    const proposerOptions: ProposerOptions = {
      sink: consensus,
      ids,
      maxRequestBytes: config.maxRequestBytes,
      timeoutMs: REQUEST_TIMEOUT_MS,
      admits: (req) => quota.admits(req),
      corrupt: () => sm.alarms.has('CORRUPT'),
    };
    // A replaced proposer (fault injection) leaves the proposal counts of /metrics at zero.
    const counted = parts.proposer === undefined ? new CountedProposer(proposerOptions) : undefined;
    const proposer = parts.proposer?.(proposerOptions) ?? counted ?? new Proposer(proposerOptions);
    this.proposer = proposer;
    let leaderChanges = 0;
    consensus.onNewLeader(() => leaderChanges++);
    // The web console's leader timeline, recorded only when the console is on.
    const ui = opts.ui ?? { enabled: true, readOnly: false };
    const timeline = ui.enabled ? new LeaderTimeline() : undefined;
    if (timeline !== undefined) consensus.onLeaderOrTerm((s) => timeline.observe(s));
    const writes = new Writes(proposer, ids);
    this.barrier = new ReadBarrier(consensus, this.appliedWaiters, REQUEST_TIMEOUT_MS);
    const gate = parts.readGate?.(this.barrier) ?? this.barrier;
    hub = new WatchHub(sm.store);
    this.hub = hub;
    const quota = new QuotaGuard({
      memberId,
      quota: config.quotaBackendBytes > 0 ? config.quotaBackendBytes : DEFAULT_QUOTA_BYTES,
      size: () => sm.size(),
      emptySize: emptyStateSize(),
      alarms: sm.alarms,
      raise: (req) => writes.alarm(req),
      logger,
    });
    this.host = new ApplyHost({
      sm,
      events: new DeferredEvents(this.hub),
      settle: (id, result) => proposer.settle(id, result),
      appliedWaiters: this.appliedWaiters,
      afterApply: () => quota.check(),
      logger,
    });
    this.forwarder = new LeaderForwarder(sm.members);
    const membership = new MembershipView(sm.members, memberId, joined?.membership.members);
    const admin = new MemberAdmin({
      memberId,
      members: sm.members,
      consensus,
      proposer,
      writes,
      forwarder: this.forwarder,
      strictReconfigCheck: config.ops.strictReconfigCheck,
    });
    const leaderTransfer = new LeaderTransfer(memberId, sm.members, consensus, REQUEST_TIMEOUT_MS);
    this.leaseExpiry = new LeaseExpiry(sm.lessor, (id) => writes.leaseRevoke(id));
    this.publisher = new AttributePublisher({
      memberId,
      name: config.name,
      clientUrls: config.advertiseClientUrls,
      members: sm.members,
      publish: (id, name, urls) => writes.memberAttributes(id, name, urls),
    });

    const header: HeaderSource = {
      clusterId,
      memberId,
      term: () => consensus.status().term,
      revision: () => sm.store.currentRevision(),
    };
    const leadership = {
      leader: () => consensus.status().leader,
      isLeader: () => consensus.status().leader === memberId,
    };
    this.initialized = sm.appliedIndex() > 0;
    this.corruption = new CorruptionCheck({
      memberId,
      localHash: () => sm.store.hashKV(0),
      peerHashes: peerHashFetcher(memberId, () => sm.members.list(), config.clientTls, REQUEST_TIMEOUT_MS),
      caughtUp: async () => (await this.barrier.wait()).ok,
      raiseCorrupt: (id) => writes.alarm({ action: rpc.AlarmRequest_AlarmAction.ACTIVATE, memberID: id, alarm: rpc.AlarmType.CORRUPT }),
      isLeader: leadership.isLeader,
      logger,
    });
    this.compactor = autoCompactor(config.ops.autoCompaction, {
      revision: () => sm.store.currentRevision(),
      compact: (revision) => writes.compact({ revision, physical: false }),
      isLeader: leadership.isLeader,
      logger,
    });
    this.client = new ClientServer(
      {
        listenUrls: config.listenClientUrls,
        tls: hasCert(config.clientTls) ? config.clientTls : undefined,
        maxRequestBytes: config.maxRequestBytes,
        kv: { header, reads: new KvReads(sm.store, gate), writes, auth: sm.auth, maxTxnOps: config.maxTxnOps },
        watch: { header, hub: this.hub, auth: sm.auth, wrapSend: parts.wrapWatchSend, progressIntervalMs: config.ops.watchProgressNotifyIntervalMs },
        lease: {
          header,
          writes,
          gate,
          lessor: sm.lessor,
          leaseKeys: (id) => sm.store.leaseKeys(id),
          leadership,
          forwarder: this.forwarder,
          auth: sm.auth,
          electionTimeoutMs: config.electionTimeoutMs,
          requestTimeoutMs: REQUEST_TIMEOUT_MS,
        },
        cluster: { header, membership, admin, auth: sm.auth },
        maintenance: {
          header,
          auth: sm.auth,
          alarms: sm.alarms,
          writes,
          status: () => ({ ...consensus.status(), applied: sm.appliedIndex(), isLearner: membership.isLearner() }),
          store: sm.store,
          db: {
            size: () => sm.size(),
            sizeInUse: () => sm.sizeInUse(),
            defragment: () => sm.defragment(),
            copyTo: async (path) => {
              // Everything applied so far is in the copy.
              sm.commit();
              await copyStateDb(sm.path, path);
            },
          },
          leaderTransfer,
        },
        auth: { header, auth: sm.auth, gate, writes, bcryptCost: auth.bcryptCost },
        running: () => this.running && !this.stopped,
        grpc: config.ops.grpc,
        metricsUrls: config.ops.listenMetricsUrls,
        probes: memberProbes({ store: sm.store, alarms: sm.alarms, gate }),
        pprof: config.ops.enablePprof ? new Pprof() : undefined,
        console:
          timeline === undefined
            ? undefined
            : {
                readOnly: ui.readOnly,
                bundleDir: CONSOLE_BUNDLE_DIR,
                memberId,
                name: config.name,
                version: ETCD_RELEASE,
                auth: consoleAuth(sm.auth),
                members: () => membership.list(),
                raft: () => consensus.status(),
                alarms: () => sm.alarms.list(),
                timeline,
                tls: hasCert(config.clientTls) ? clientTls(config.clientTls) : undefined,
              },
        leaderRequirement: new LeaderRequirement(() => consensus.status().leader !== 0n, config.electionTimeoutMs),
        metrics: {
          hasLeader: () => consensus.status().leader !== 0n,
          isLeader: () => consensus.status().leader === memberId,
          leaderChanges: () => leaderChanges,
          proposals: () => ({
            committed: consensus.status().commitIndex,
            applied: sm.appliedIndex(),
            pending: counted?.pending ?? 0,
            failed: counted?.failed ?? 0,
          }),
          dbSize: () => sm.size(),
          dbSizeInUse: () => sm.sizeInUse(),
          quotaBytes: config.quotaBackendBytes > 0 ? config.quotaBackendBytes : DEFAULT_QUOTA_BYTES,
          memberId: memberId.toString(16),
          latencies,
          watchers: () => {
            const c = this.hub.counts();
            return c.synced + c.unsynced;
          },
        },
      },
      logger,
    );
    this.ids = { member: memberId.toString(16), cluster: clusterId.toString(16) };
  }

  private removed(graceMs: number): void {
    if (this.removing) return;
    this.removing = true;
    this.logger.warn({ graceMs }, 'the member has been permanently removed from the cluster; shutting down');
    setTimeout(() => void this.stop().then(() => process.exit(0)), graceMs);
  }

  /** Starts the Raft thread (which replays the unapplied tail of the log), then serves clients. */
  async run(): Promise<void> {
    this.hub.run();
    // Logged before the Raft thread can elect anyone: the chaos harness learns the member ID here.
    this.logger.info({ ...this.ids, applied: this.sm.appliedIndex() }, 'server started');
    // As etcd: a restarted member compares its data with its peers' before it serves anything.
    if (this.opts.config.ops.initialCorruptCheck && this.initialized) {
      const problem = await this.corruption.initial();
      if (problem !== undefined) throw new Error(problem);
    }
    await this.consensus.start(this.host);
    this.leaseExpiry.run();
    this.publisher.run();
    this.compactor?.run();
    this.corruption.run(this.opts.config.ops.corruptCheckIntervalMs);
    this.running = true;
    await this.client.run();
    this.logger.info({ name: this.opts.config.name }, 'ready to serve client requests');
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.client.stop();
    this.leaseExpiry.stop();
    this.publisher.stop();
    this.compactor?.stop();
    this.corruption.stop();
    this.hub.stop();
    this.forwarder.close();
    await this.consensus.stop();
    this.proposer.stop();
    this.barrier.stop();
    this.appliedWaiters.releaseAll();
    await this.sm.close();
  }
}
