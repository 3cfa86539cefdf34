import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { AuthStore } from '../auth/auth-store.js';
import * as rpc from '../gen/etcdserverpb.js';
import type { InternalRequestInit } from '../gen/raftkvpb.js';
import { MemberStore, type Member } from '../cluster/member-store.js';
import { Lessor, MAX_LEASE_TTL } from '../lease/lessor.js';
import { MvccStore } from '../mvcc/store.js';
import type { MvccEvent, RangeRequest, RangeResult, TxnRequest, TxnResult } from '../mvcc/types.js';
import { RaftThread } from '../consensus/raft-thread.js';
import type { ConfChange } from '../raft/index.js';
import { DurableLog } from '../storage/durable-log.js';
import { WatchHub } from '../watch/index.js';
import { Alarms } from './alarms.js';
import { Applier } from './applier.js';
import type { ApplyResult } from './apply-results.js';
import { bootstrapNewCluster, type Identity } from './bootstrap.js';
import type { CommittedEntry, ConsensusStatus, SnapshotFile, StateMachineHost } from './consensus.js';
import type { ServerConfig } from './config.js';
import { DEFAULT_QUOTA_BYTES } from './config.js';
import { fail, fromProposeError, ok, type ServerResult } from './errors.js';
import { IdGenerator } from './id-generator.js';
import { LeaderForwarder } from './leader-forwarder.js';
import { MemberAdmin } from './member-admin.js';
import { dbSize, dbSizeInUse, installSnapshot, openStateDb } from './state-db.js';
import { Proposer } from './proposer.js';
import { AppliedIndexWaiters } from './waiters.js';

export type { Member };

/** Receives the events of every applied batch, after it committed (the watch hub). */
export interface EventSink {
  publish(events: MvccEvent[], revision: number): void;
}

export interface HeaderInfo {
  clusterId: bigint;
  memberId: bigint;
  raftTerm: number;
}

const REQUEST_TIMEOUT_MS = 7000;
const LEASE_CHECK_INTERVAL_MS = 500;
/** Entries kept behind the compaction point so a slow follower can catch up from the log. */
const CATCH_UP_ENTRIES = 5000;

// The member's core: it proposes writes, waits for them to be applied, serves reads at the
// right point, and owns the stores. api/ calls it; it never sees gRPC.
export class EtcdServer {
  readonly memberId: bigint;
  readonly clusterId: bigint;
  readonly db: Database.Database;
  readonly store: MvccStore;
  readonly lessor: Lessor;
  readonly alarms: Alarms;
  readonly members: MemberStore;
  readonly auth: AuthStore;
  readonly watchHub: WatchHub;
  readonly consensus: RaftThread;
  readonly forwarder: LeaderForwarder;
  readonly memberAdmin: MemberAdmin;
  private readonly applier: Applier;
  private readonly stateDbPath: string;
  private readonly proposer: Proposer;
  private readonly appliedWaiters: AppliedIndexWaiters;
  private readonly ids: IdGenerator;
  private readonly sinks: EventSink[] = [];
  private readonly revoking = new Set<bigint>();
  private leaseTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private published = false;
  /** Membership as a peer reported it when this member joined, until the log catches up. */
  private readonly joinView: Member[] | undefined;

  constructor(
    readonly config: ServerConfig,
    private readonly logger: Logger,
    /**
     * Set when this member joins an existing cluster (a new cluster derives its identity from the
     * flags), with the membership a peer reported.
     */
    joined?: Identity & { membership?: { members: Member[] } },
    private readonly onRemoved: (graceMs: number) => void = () => undefined,
    private readonly onFatal: (err: unknown) => void = () => undefined,
    /** A replacement Raft thread entry point (the fault-injection tests use one). */
    raftWorker?: { url: URL; extension: unknown },
  ) {
    const memberDir = join(config.dataDir, 'member');
    mkdirSync(memberDir, { recursive: true, mode: 0o700 });

    this.stateDbPath = join(memberDir, 'state.db');
    this.db = openStateDb(this.stateDbPath);
    this.lessor = new Lessor(this.db);
    this.store = new MvccStore(this.db, this.lessor);
    this.alarms = new Alarms(this.db);
    this.members = new MemberStore(this.db);
    this.auth = new AuthStore(this.db);
    this.applier = new Applier(this.db, this.store, this.lessor, this.alarms, this.members, this.auth);
    this.appliedWaiters = new AppliedIndexWaiters(this.applier.appliedIndex());
    this.watchHub = new WatchHub(this.store);
    this.sinks.push(this.watchHub);
    this.forwarder = new LeaderForwarder(this.members);
    this.memberAdmin = new MemberAdmin(this);

    const identity = establishIdentity(config, join(memberDir, 'raft.db'), joined);
    this.memberId = identity.memberId;
    this.joinView = joined?.membership?.members;
    this.clusterId = identity.clusterId;
    this.ids = new IdGenerator(this.memberId);

    this.consensus = new RaftThread({
      config: {
        memberId: this.memberId,
        clusterId: this.clusterId,
        memberDir,
        stateDbPath: this.stateDbPath,
        logLevel: logger.level,
        heartbeatMs: config.heartbeatIntervalMs,
        electionMs: config.electionTimeoutMs,
        catchUpEntries: CATCH_UP_ENTRIES,
        listenPeerUrls: config.listenPeerUrls,
        applied: this.applier.appliedIndex(),
        appliedTerm: this.applier.appliedTerm(),
        members: this.members.list(),
        initialPeers: (joined?.membership?.members ?? []).map((m) => ({ id: m.id, peerUrls: m.peerUrls })),
        extension: raftWorker?.extension,
      },
      workerUrl: raftWorker?.url,
      logger,
      snapshotCount: config.snapshotCount,
      onRemoved: (graceMs) => this.onRemoved(graceMs),
      onFatal: (message) => this.onFatal(new Error(message)),
    });
    this.proposer = new Proposer({
      sink: this.consensus,
      ids: this.ids,
      maxRequestBytes: config.maxRequestBytes,
      timeoutMs: REQUEST_TIMEOUT_MS,
      noSpace: () => this.alarms.has('NOSPACE'),
      ackBeforePersist: config.testHooks.bugs.has('ack-before-persist'),
    });
  }

  /** The state machine as the consensus layer drives it. */
  private readonly host: StateMachineHost = {
    appliedIndex: () => this.applier.appliedIndex(),
    apply: (entries) => this.applyCommitted(entries),
    members: () => this.members.list(),
    restore: (snap) => this.restore(snap),
    leadershipChanged: (isLeader) => {
      if (isLeader) this.lessor.promote();
      else this.lessor.demote();
    },
    checkpoint: () => {
      this.db.pragma('wal_checkpoint(FULL)');
    },
  };

  /** Starts the Raft thread, which replays the unapplied tail of the log, and starts serving. */
  async run(): Promise<void> {
    this.watchHub.run();
    await this.consensus.start(this.host);
    this.leaseTimer = setInterval(() => this.revokeExpiredLeases(), LEASE_CHECK_INTERVAL_MS);
    this.leaseTimer.unref();
    this.logger.info(
      { member: this.memberId.toString(16), cluster: this.clusterId.toString(16), applied: this.applier.appliedIndex() },
      'server started',
    );
    void this.publishAttributes();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.leaseTimer !== undefined) clearInterval(this.leaseTimer);
    this.watchHub.stop();
    this.forwarder.close();
    await this.consensus.stop();
    this.proposer.stop();
    this.appliedWaiters.releaseAll();
    this.db.close();
  }

  isRunning(): boolean {
    return !this.stopped;
  }

  addEventSink(sink: EventSink): void {
    this.sinks.push(sink);
  }

  header(): HeaderInfo {
    return { clusterId: this.clusterId, memberId: this.memberId, raftTerm: this.consensus.status().term };
  }

  consensusStatus(): ConsensusStatus & { applied: number } {
    return { ...this.consensus.status(), applied: this.applier.appliedIndex() };
  }

  /** This member's view of the leader, 0n while there is none. */
  leader(): bigint {
    return this.consensus.status().leader;
  }

  isLeader(): boolean {
    return this.leader() === this.memberId;
  }

  /** The members as this member knows them (from a peer, right after joining). */
  memberList(): Member[] {
    const applied = this.members.list();
    return applied.length === 0 && this.joinView !== undefined ? this.joinView : applied;
  }

  isLearner(): boolean {
    return this.memberList().find((m) => m.id === this.memberId)?.isLearner ?? false;
  }

  // ---- reads ----

  /** Waits until this member has applied everything committed before the call (linearizable). */
  async readBarrier(): Promise<ServerResult<null>> {
    if (this.config.testHooks.bugs.has('local-reads')) return ok(null);
    if (!(await this.consensus.waitForLeader(REQUEST_TIMEOUT_MS / 2))) return fail({ kind: 'no_leader' });
    const r = await this.consensus.readIndex();
    if (!r.ok) return fail(fromProposeError(r.error));
    await this.appliedWaiters.wait(r.index);
    return this.stopped ? fail({ kind: 'stopped' }) : ok(null);
  }

  async range(req: RangeRequest, serializable: boolean): Promise<ServerResult<RangeResult>> {
    if (!serializable) {
      const b = await this.readBarrier();
      if (!b.ok) return b;
    }
    return this.store.range(req);
  }

  /** A txn that writes nothing anywhere: evaluated locally after a read barrier. */
  async readOnlyTxn(req: TxnRequest): Promise<ServerResult<{ txn: TxnResult; revision: number }>> {
    const b = await this.readBarrier();
    if (!b.ok) return b;
    const r = this.store.txn(req);
    if (!r.ok) return r;
    return ok({ txn: r.value.result, revision: r.value.revision });
  }

  // ---- writes ----

  put(req: rpc.PutRequest): Promise<ApplyResult> {
    return this.propose({ put: req }, true);
  }

  deleteRange(req: rpc.DeleteRangeRequest): Promise<ApplyResult> {
    return this.propose({ delete_range: req }, false);
  }

  txn(req: rpc.TxnRequest): Promise<ApplyResult> {
    return this.propose({ txn: req }, true);
  }

  compact(req: rpc.CompactionRequest): Promise<ApplyResult> {
    return this.propose({ compaction: req }, false);
  }

  leaseGrant(req: rpc.LeaseGrantRequest, minTtl: number): Promise<ApplyResult> {
    if (req.TTL > MAX_LEASE_TTL) return Promise.resolve(fail({ kind: 'lease_ttl_too_large' }));
    const id = req.ID === 0n ? this.ids.next() : req.ID;
    return this.propose({ lease_grant: { ID: id, TTL: Math.max(req.TTL, minTtl) } }, true);
  }

  leaseRevoke(id: bigint): Promise<ApplyResult> {
    return this.propose({ lease_revoke: { ID: id } }, false);
  }

  alarm(req: rpc.AlarmRequest): Promise<ApplyResult> {
    return this.propose({ alarm: req }, false);
  }

  memberUpdate(id: bigint, peerUrls: string[]): Promise<ApplyResult> {
    return this.propose({ member_update: { ID: id, peerURLs: peerUrls } }, false);
  }

  /** Proposes an auth change (an `auth_*` or `authenticate` entry, built by api/auth-service.ts). */
  authChange(req: InternalRequestInit): Promise<ApplyResult> {
    return this.propose(req, false);
  }

  /** Proposes a membership change and waits until it is applied here. */
  changeMembership(build: (requestId: bigint) => ConfChange): Promise<ApplyResult> {
    return this.proposer.changeMembership(build);
  }

  private propose(req: InternalRequestInit, guardedByQuota: boolean): Promise<ApplyResult> {
    return this.proposer.propose(req, guardedByQuota);
  }

  /**
   * Hands leadership to `target` and waits until it has it. Only the leader can do this; moving
   * to the current leader succeeds at once, as in etcd.
   */
  async moveLeader(target: bigint): Promise<ServerResult<null>> {
    const m = this.members.get(target);
    if (m === undefined || m.isLearner) return fail({ kind: 'bad_leader_transferee' });
    if (!this.isLeader()) return fail({ kind: 'not_leader' });
    if (target === this.memberId) return ok(null);
    const err = await this.consensus.transferLeader(target);
    if (err !== undefined) return fail(fromProposeError(err));
    const deadline = Date.now() + REQUEST_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.leader() === target) return ok(null);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return fail({ kind: 'timeout' });
  }

  /** A fresh request ID (also the source of server-chosen lease IDs). */
  nextId(): bigint {
    return this.ids.next();
  }

  // ---- apply ----

  private applyCommitted(entries: CommittedEntry[]): { membersChanged: boolean } {
    const outcome = this.applier.applyBatch(entries);
    if (outcome.events.length > 0) for (const sink of this.sinks) sink.publish(outcome.events, outcome.revision);
    for (const a of outcome.applied) this.proposer.settle(a.id, a.result);
    this.appliedWaiters.advance(this.applier.appliedIndex());
    this.checkQuota();
    return { membersChanged: outcome.membersChanged };
  }

  private async restore(snap: SnapshotFile): Promise<void> {
    await installSnapshot(this.stateDbPath, snap.path);
    this.lessor.reload();
    this.alarms.reload();
    this.members.reload();
    this.auth.reload();
    this.applier.reload();
    this.appliedWaiters.advance(this.applier.appliedIndex());
    this.watchHub.resync();
    this.logger.info({ index: snap.index }, 'installed snapshot from the leader');
  }

  private checkQuota(): void {
    const quota = this.config.quotaBackendBytes > 0 ? this.config.quotaBackendBytes : DEFAULT_QUOTA_BYTES;
    if (this.alarms.has('NOSPACE') || this.dbSize() <= quota) return;
    this.logger.warn({ quota }, 'database space exceeded; raising NOSPACE alarm');
    void this.alarm({ action: rpc.AlarmRequest_AlarmAction.ACTIVATE, memberID: this.memberId, alarm: rpc.AlarmType.NOSPACE });
  }

  private revokeExpiredLeases(): void {
    for (const id of this.lessor.expired()) {
      if (this.revoking.has(id)) continue;
      this.revoking.add(id);
      void this.leaseRevoke(id).finally(() => this.revoking.delete(id));
    }
  }

  /** Announces this member's name and client URLs through the log, as etcd's publish does. */
  private async publishAttributes(): Promise<void> {
    while (!this.stopped && !this.published) {
      const self = this.members.get(this.memberId);
      if (self !== undefined && self.name === this.config.name && sameList(self.clientUrls, this.config.advertiseClientUrls)) {
        this.published = true;
        return;
      }
      const r = await this.propose(
        { member_attributes: { ID: this.memberId, name: this.config.name, clientURLs: this.config.advertiseClientUrls } },
        false,
      );
      if (r.ok) this.published = true;
      else await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  // ---- maintenance ----

  dbSize(): number {
    return dbSize(this.db);
  }

  dbSizeInUse(): number {
    return dbSizeInUse(this.db);
  }

  defragment(): void {
    this.db.exec('VACUUM');
  }

  /** Writes a consistent copy of the state database to `path`. */
  snapshotTo(path: string): void {
    this.db.prepare('VACUUM INTO ?').run(path);
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * The member and cluster IDs of this data directory. A directory that has them keeps them; a
 * joining member takes the ones a peer reported; a new cluster's members derive them from the
 * flags and write the bootstrap entries. The Raft thread owns the log from then on.
 */
function establishIdentity(config: ServerConfig, logPath: string, joined: Identity | undefined): Identity {
  const log = new DurableLog(logPath);
  try {
    let identity = log.identity();
    if (identity === undefined && joined !== undefined) {
      log.setIdentity(joined.memberId, joined.clusterId);
      identity = joined;
    }
    return identity ?? bootstrapNewCluster(config, log);
  } finally {
    log.close();
  }
}
