// The main thread's side of consensus: it runs the Raft thread (a worker), batches proposals and
// read requests to it, mirrors its status, and applies the committed entries it sends, in order,
// through the state machine host. Implements the Consensus seam.
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { ConfChange } from '../raft/index.js';
import type {
  Consensus,
  ConsensusStatus,
  ProposeError,
  ReadIndexResult,
  StateMachineHost,
} from '../server/consensus.js';
import type { LatencyBatch } from './latency-samples.js';
import type { FromRaft, Proposal, RaftThreadConfig, ToRaft } from './protocol.js';
import { ReadRounds } from './read-rounds.js';

export interface RaftThreadOptions {
  config: RaftThreadConfig;
  logger: Logger;
  /** Applied entries between checkpoints of the state (after which the log drops what they cover). */
  snapshotCount: number;
  /** The worker entry point; a test entry point passes one with faulty parts. */
  workerUrl?: URL;
  /** Called when the Raft thread cannot go on; the member must stop. */
  onFatal: (message: string) => void;
  /** Called when this member has been removed from the cluster. */
  onRemoved: (graceMs: number) => void;
  /** Fsync and peer round-trip times measured on the Raft thread. */
  onLatencies?: (batch: LatencyBatch) => void;
}

const STOP_TIMEOUT_MS = 5000;
/**
 * The applied index only releases the Raft thread's flow control (64 MiB of entries handed out),
 * so it goes over at most this often rather than once per applied batch: one wake-up of the Raft
 * thread less per write.
 */
const APPLIED_POST_MS = 10;

export class RaftThread implements Consensus {
  private worker: Worker | undefined;
  private host: StateMachineHost | undefined;
  private mirror: ConsensusStatus & { isLeader: boolean };
  private leaderWaiters: (() => void)[] = [];
  private readonly newLeaderListeners: (() => void)[] = [];
  private readonly statusListeners: ((s: ConsensusStatus) => void)[] = [];
  private readonly reads: ReadRounds;
  private stopped = false;
  private peerUrlsBound: string[] = [];
  // Proposals wait here until the end of the event-loop turn, then go over in one message.
  private queued: Proposal[] = [];
  private flushScheduled = false;
  private nextSeq = 0;
  private readonly pending = new Map<number, (err: ProposeError | undefined) => void>();
  /** Proposals up to this sequence number are known to be taken (or answered). */
  private answeredThrough = -1;
  private progressSeq = 0;
  private readonly progressWaiters = new Map<number, (p: Map<bigint, { match: number; isLearner: boolean }> | undefined) => void>();
  private lastCheckpoint = 0;
  private appliedTimer: NodeJS.Timeout | undefined;
  private onStopped: (() => void) | undefined;
  /** Messages are handled one at a time: an install must finish before later entries apply. */
  private inbox: Promise<void> = Promise.resolve();

  constructor(private readonly opts: RaftThreadOptions) {
    const c = opts.config;
    this.mirror = { id: c.memberId, leader: 0n, term: 0, lastIndex: 0, commitIndex: 0, isLeader: false };
    this.reads = new ReadRounds((ctx) => {
      if (this.stopped) return { kind: 'stopped' };
      this.post({ t: 'read', ctx });
      return undefined;
    }, 4 * c.electionMs);
  }

  /** Starts the Raft thread; resolves once it listens for peers and runs. */
  start(host: StateMachineHost): Promise<void> {
    this.host = host;
    this.lastCheckpoint = host.appliedIndex();
    const url = this.opts.workerUrl ?? new URL('./raft-worker.js', import.meta.url);
    const worker = new Worker(url, { workerData: this.opts.config });
    this.worker = worker;
    return new Promise<void>((resolve, reject) => {
      let started = false;
      worker.on('message', (m: FromRaft) => {
        if (m.t === 'started') {
          started = true;
          this.peerUrlsBound = m.peerUrls;
          resolve();
          return;
        }
        if (m.t === 'fatal' && !started) {
          reject(new Error(m.message));
          return;
        }
        this.inbox = this.inbox
          .then(() => this.handle(m))
          .catch((err: unknown) => this.fatal(`applying committed entries failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`));
      });
      worker.on('error', (err) => {
        if (!started) reject(err);
        else this.fatal(`the Raft thread failed: ${err.message}`);
      });
      worker.on('exit', (code) => {
        this.onStopped?.();
        if (!started) reject(new Error(`the Raft thread exited with code ${code}`));
        else if (!this.stopped) this.fatal(`the Raft thread exited with code ${code}`);
      });
    });
  }

  /** The peer URLs with the ports actually bound. */
  peerUrls(): string[] {
    return [...this.peerUrlsBound];
  }

  propose(data: Uint8Array): Promise<ProposeError | undefined> {
    return this.enqueue({ kind: 'entry', data });
  }

  proposeConfChange(cc: ConfChange): Promise<ProposeError | undefined> {
    return this.enqueue({ kind: 'conf', cc });
  }

  transferLeader(target: bigint): Promise<ProposeError | undefined> {
    if (!this.stopped && !this.mirror.isLeader) return Promise.resolve({ kind: 'not_leader' });
    return this.enqueue({ kind: 'transfer', target });
  }

  waitForLeader(timeoutMs: number): Promise<boolean> {
    if (this.mirror.leader !== 0n) return Promise.resolve(true);
    if (this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve(this.mirror.leader !== 0n);
      };
      const timer = setTimeout(() => {
        this.leaderWaiters = this.leaderWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      this.leaderWaiters.push(done);
    });
  }

  onNewLeader(listener: () => void): void {
    this.newLeaderListeners.push(listener);
  }

  /** Called with every status the Raft thread reports whose leader or term differs from the last. */
  onLeaderOrTerm(listener: (s: ConsensusStatus) => void): void {
    this.statusListeners.push(listener);
  }

  readIndex(): Promise<ReadIndexResult> {
    if (this.stopped) return Promise.resolve({ ok: false, error: { kind: 'stopped' } });
    return new Promise((resolve) => {
      this.reads.add(resolve);
      // Without a leader the round waits; a status with a leader starts it.
      if (this.mirror.leader !== 0n) this.reads.pump();
    });
  }

  status(): ConsensusStatus {
    const { id, leader, term, lastIndex, commitIndex } = this.mirror;
    return { id, leader, term, lastIndex, commitIndex };
  }

  progress(): Promise<Map<bigint, { match: number; isLearner: boolean }> | undefined> {
    if (this.stopped) return Promise.resolve(undefined);
    const seq = ++this.progressSeq;
    return new Promise((resolve) => {
      this.progressWaiters.set(seq, resolve);
      this.post({ t: 'progress', seq });
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.appliedTimer);
    this.reads.fail({ kind: 'stopped' }, true);
    for (const w of this.leaderWaiters) w();
    this.leaderWaiters = [];
    for (const resolve of this.pending.values()) resolve({ kind: 'stopped' });
    this.pending.clear();
    for (const resolve of this.progressWaiters.values()) resolve(undefined);
    this.progressWaiters.clear();
    const worker = this.worker;
    if (worker === undefined) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => void worker.terminate().then(() => resolve()), STOP_TIMEOUT_MS);
      this.onStopped = () => {
        clearTimeout(timer);
        resolve();
      };
      worker.postMessage({ t: 'stop' } satisfies ToRaft);
    });
    await worker.terminate();
  }

  // ---- to the Raft thread ----

  private post(m: ToRaft): void {
    this.worker?.postMessage(m);
  }

  private enqueue(p: Proposal): Promise<ProposeError | undefined> {
    if (this.stopped || this.worker === undefined) return Promise.resolve({ kind: 'stopped' });
    const seq = this.nextSeq + this.queued.length;
    this.queued.push(p);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    return new Promise((resolve) => this.pending.set(seq, resolve));
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.queued.length === 0) return;
    const items = this.queued;
    const first = this.nextSeq;
    this.queued = [];
    this.nextSeq += items.length;
    this.post({ t: 'propose', first, items });
  }

  // ---- from the Raft thread ----

  private async handle(m: FromRaft): Promise<void> {
    if (this.stopped && m.t !== 'stopped') return;
    switch (m.t) {
      case 'ready':
        if (m.proposedThrough !== undefined) this.taken(m.proposedThrough);
        if (m.status !== undefined) this.onStatus(m.status);
        if (m.entries !== undefined) this.apply(m);
        if (m.readStates !== undefined) for (const rs of m.readStates) this.reads.answer(rs);
        break;
      case 'proposed':
        this.taken(m.first - 1);
        m.results.forEach((err, i) => {
          const resolve = this.pending.get(m.first + i);
          this.pending.delete(m.first + i);
          resolve?.(err);
        });
        this.answeredThrough = Math.max(this.answeredThrough, m.first + m.results.length - 1);
        break;
      case 'readFailed':
        this.reads.reject(m.ctx, m.error);
        break;
      case 'install':
        await this.install(m);
        break;
      case 'progress': {
        const resolve = this.progressWaiters.get(m.seq);
        this.progressWaiters.delete(m.seq);
        resolve?.(m.progress);
        break;
      }
      case 'removed':
        this.opts.onRemoved(m.graceMs);
        break;
      case 'fatal':
        this.fatal(m.message);
        break;
      case 'latencies':
        this.opts.onLatencies?.(m);
        break;
      case 'started':
      case 'stopped':
        break;
    }
  }

  /** Proposals up to `seq` not answered yet were taken by the core. */
  private taken(seq: number): void {
    for (let s = this.answeredThrough + 1; s <= seq; s++) {
      const resolve = this.pending.get(s);
      this.pending.delete(s);
      resolve?.(undefined);
    }
    this.answeredThrough = Math.max(this.answeredThrough, seq);
  }

  private onStatus(s: ConsensusStatus & { isLeader: boolean }): void {
    const was = this.mirror;
    this.mirror = s;
    if (s.isLeader !== was.isLeader) this.host?.leadershipChanged(s.isLeader);
    if (s.leader !== 0n && (s.leader !== was.leader || s.term !== was.term)) {
      for (const l of this.newLeaderListeners) l();
    }
    if (s.leader !== was.leader || s.term !== was.term) {
      const { id, leader, term, lastIndex, commitIndex } = s;
      for (const l of this.statusListeners) l({ id, leader, term, lastIndex, commitIndex });
    }
    if (s.leader !== 0n && this.leaderWaiters.length > 0) {
      const ws = this.leaderWaiters;
      this.leaderWaiters = [];
      for (const w of ws) w();
    }
    // A read round in flight under a lost leader will never be answered.
    if (s.leader === 0n) this.reads.fail({ kind: 'no_leader' }, false);
    else this.reads.pump();
  }

  private apply(m: Extract<FromRaft, { t: 'ready' }>): void {
    const host = this.host;
    const entries = m.entries;
    if (host === undefined || entries === undefined || entries.length === 0) return;
    const { membersChanged } = host.apply(entries);
    const applied = host.appliedIndex();
    if (membersChanged) {
      this.post({ t: 'applied', index: applied });
    } else if (this.appliedTimer === undefined) {
      this.appliedTimer = setTimeout(() => {
        this.appliedTimer = undefined;
        if (!this.stopped) this.post({ t: 'applied', index: host.appliedIndex() });
      }, APPLIED_POST_MS);
    }
    if (membersChanged) this.post({ t: 'members', members: host.members(), applied });
    if (applied - this.lastCheckpoint >= this.opts.snapshotCount) {
      // The next attempt waits another snapshot-count's worth of entries if this one fails.
      this.lastCheckpoint = applied;
      void host.checkpoint().then((durable) => {
        if (durable !== undefined && !this.stopped) this.post({ t: 'durable', index: durable });
      });
    }
  }

  private async install(m: Extract<FromRaft, { t: 'install' }>): Promise<void> {
    const host = this.host;
    if (host === undefined) return;
    try {
      await host.restore({ index: m.index, term: m.term, confState: m.confState, path: m.path });
      this.lastCheckpoint = m.index;
      this.post({ t: 'installed', index: m.index });
      this.post({ t: 'applied', index: m.index });
      this.post({ t: 'members', members: host.members(), applied: m.index });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.post({ t: 'installed', index: m.index, error: message });
    }
  }

  private fatal(message: string): void {
    if (this.stopped) return;
    this.opts.logger.fatal({ error: message }, 'consensus failed; stopping');
    this.opts.onFatal(message);
  }
}
