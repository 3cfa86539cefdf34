import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import * as rpc from '../gen/etcdserverpb.js';
import { InternalRequest, type InternalRequestInit } from '../gen/raftkvpb.js';
import { clusterId, memberId } from '../cluster/ids.js';
import { Lessor, MAX_LEASE_TTL } from '../lease/lessor.js';
import { MvccStore } from '../mvcc/store.js';
import type { MvccEvent, RangeRequest, RangeResult, TxnRequest, TxnResult } from '../mvcc/types.js';
import { DurableLog } from '../storage/durable-log.js';
import { WatchHub } from '../watch/index.js';
import { Alarms } from './alarms.js';
import { Applier } from './applier.js';
import type { Applied, ApplyResult } from './apply-results.js';
import type { CommittedEntry, Consensus } from './consensus.js';
import type { ServerConfig } from './config.js';
import { DEFAULT_QUOTA_BYTES } from './config.js';
import { fail, ok, type ServerResult } from './errors.js';
import { IdGenerator } from './id-generator.js';
import { SingleNodeLog } from './single-node-log.js';
import { AppliedIndexWaiters, Waiters } from './waiters.js';

/** Receives the events of every applied batch, after it committed (the watch hub). */
export interface EventSink {
  publish(events: MvccEvent[], revision: number): void;
}

export interface Member {
  id: bigint;
  name: string;
  peerUrls: string[];
  clientUrls: string[];
  isLearner: boolean;
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
  readonly watchHub: WatchHub;
  private readonly log: DurableLog;
  private readonly consensus: Consensus;
  private readonly applier: Applier;
  private readonly waiters = new Waiters<ApplyResult>();
  private readonly appliedWaiters: AppliedIndexWaiters;
  private readonly ids: IdGenerator;
  private readonly sinks: EventSink[] = [];
  private readonly revoking = new Set<bigint>();
  private leaseTimer: NodeJS.Timeout | undefined;
  private lastCompactedLog = 0;
  private stopped = false;

  constructor(
    readonly config: ServerConfig,
    private readonly logger: Logger,
  ) {
    const memberDir = join(config.dataDir, 'member');
    mkdirSync(memberDir, { recursive: true, mode: 0o700 });
    const peers = config.initialCluster.filter((m) => m.name === config.name).map((m) => m.peerUrl);
    const own = peers.length > 0 ? peers : config.initialAdvertisePeerUrls;
    this.memberId = memberId(own, config.initialClusterToken);
    this.clusterId = clusterId([this.memberId]);
    this.ids = new IdGenerator(this.memberId);

    this.db = new Database(join(memberDir, 'state.db'));
    // The Raft log is the durable record of every acknowledged write; the state database may lag
    // it after a power loss and is then rebuilt by replaying the log from the applied index.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.lessor = new Lessor(this.db);
    this.store = new MvccStore(this.db, this.lessor);
    this.alarms = new Alarms(this.db);
    this.applier = new Applier(this.db, this.store, this.lessor, this.alarms);
    this.watchHub = new WatchHub(this.store);
    this.sinks.push(this.watchHub);
    this.appliedWaiters = new AppliedIndexWaiters(this.applier.appliedIndex());
    this.log = new DurableLog(join(memberDir, 'raft.db'));
    this.consensus = new SingleNodeLog(this.memberId, this.log, CATCH_UP_ENTRIES);
  }

  /** Replays the unapplied tail of the log and starts serving. */
  run(): void {
    this.watchHub.run();
    this.consensus.start(this.applier.appliedIndex(), (entries) => this.applyCommitted(entries));
    this.lessor.promote();
    this.leaseTimer = setInterval(() => this.revokeExpiredLeases(), LEASE_CHECK_INTERVAL_MS);
    this.leaseTimer.unref();
    this.logger.info(
      { member: this.memberId.toString(16), cluster: this.clusterId.toString(16), applied: this.applier.appliedIndex() },
      'server started',
    );
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.leaseTimer !== undefined) clearInterval(this.leaseTimer);
    this.watchHub.stop();
    await this.consensus.stop();
    this.waiters.triggerAll(fail({ kind: 'stopped' }));
    this.appliedWaiters.releaseAll();
    this.log.close();
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

  members(): Member[] {
    return [
      {
        id: this.memberId,
        name: this.config.name,
        peerUrls: this.config.initialAdvertisePeerUrls,
        clientUrls: this.config.advertiseClientUrls,
        isLearner: false,
      },
    ];
  }

  consensusStatus(): ReturnType<Consensus['status']> & { applied: number } {
    return { ...this.consensus.status(), applied: this.applier.appliedIndex() };
  }

  // ---- reads ----

  /** Waits until this member has applied everything committed before the call (linearizable). */
  async readBarrier(): Promise<ServerResult<null>> {
    const r = await this.consensus.readIndex();
    if (!r.ok) return fail(r.error);
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

  /** Proposes a request and resolves with its apply result. */
  private async propose(req: InternalRequestInit, guardedByQuota: boolean): Promise<ApplyResult> {
    if (this.stopped) return fail({ kind: 'stopped' });
    if (guardedByQuota && this.alarms.has('NOSPACE')) return fail({ kind: 'no_space' });
    const id = this.ids.next();
    const data = InternalRequest.encode({ ...req, ID: id }).finish();
    if (data.length > this.config.maxRequestBytes) return fail({ kind: 'request_too_large' });
    const done = this.waiters.register(id);
    const err = this.consensus.propose(data);
    if (err !== undefined) {
      this.waiters.cancel(id);
      return fail(err);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ApplyResult>((resolve) => {
      timer = setTimeout(() => resolve(fail({ kind: 'timeout' })), REQUEST_TIMEOUT_MS);
    });
    const result = await Promise.race([done, timeout]);
    clearTimeout(timer);
    this.waiters.cancel(id);
    return result;
  }

  // ---- apply ----

  private applyCommitted(entries: CommittedEntry[]): void {
    const outcome = this.applier.applyBatch(entries);
    if (outcome.events.length > 0) for (const sink of this.sinks) sink.publish(outcome.events, outcome.revision);
    for (const a of outcome.applied) this.waiters.trigger(a.id, a.result);
    this.appliedWaiters.advance(this.applier.appliedIndex());
    this.checkQuota();
    this.maybeCompactLog();
  }

  private checkQuota(): void {
    const quota = this.config.quotaBackendBytes > 0 ? this.config.quotaBackendBytes : DEFAULT_QUOTA_BYTES;
    if (this.alarms.has('NOSPACE') || this.dbSize() <= quota) return;
    this.logger.warn({ quota }, 'database space exceeded; raising NOSPACE alarm');
    void this.alarm({ action: rpc.AlarmRequest_AlarmAction.ACTIVATE, memberID: this.memberId, alarm: rpc.AlarmType.NOSPACE });
  }

  /** Drops log entries once the state they produced is durable in the state database. */
  private maybeCompactLog(): void {
    const applied = this.applier.appliedIndex();
    if (applied - this.lastCompactedLog < this.config.snapshotCount) return;
    this.db.pragma('wal_checkpoint(FULL)');
    this.consensus.compact(applied);
    this.lastCompactedLog = applied;
  }

  private revokeExpiredLeases(): void {
    for (const id of this.lessor.expired()) {
      if (this.revoking.has(id)) continue;
      this.revoking.add(id);
      void this.leaseRevoke(id).finally(() => this.revoking.delete(id));
    }
  }

  // ---- maintenance ----

  dbSize(): number {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    return pageSize * pages;
  }

  dbSizeInUse(): number {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    return pageSize * (pages - free);
  }

  defragment(): void {
    this.db.exec('VACUUM');
  }

  /** Writes a consistent copy of the state database to `path`. */
  snapshotTo(path: string): void {
    this.db.prepare('VACUUM INTO ?').run(path);
  }
}

export type { Applied };
