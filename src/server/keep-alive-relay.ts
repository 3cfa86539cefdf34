import type * as rpc from '../gen/etcdserverpb.js';
import type { ServerError } from './errors.js';

/** Where keep-alives go: a keep-alive stream to the leader's client port (a gRPC client stream). */
export interface KeepAliveStream {
  write(req: rpc.LeaseKeepAliveRequestInit): unknown;
  on(event: 'data', fn: (r: rpc.LeaseKeepAliveResponse) => void): unknown;
  on(event: 'error' | 'end', fn: () => void): unknown;
  end(): unknown;
  cancel(): void;
}

export interface KeepAliveRelayOptions {
  /** The current leader, 0n while there is none. */
  leader: () => bigint;
  /** Opens a keep-alive stream to that member; undefined when its client URL is unknown. */
  open: (leader: bigint) => KeepAliveStream | undefined;
  /** The leader's answer: TTL 0 for a lease it does not have. */
  answer: (id: bigint, ttl: number) => void;
  /** A keep-alive could not reach a leader in time; the client stream should end with this. */
  fail: (err: ServerError) => void;
  /** How long a keep-alive may wait for a leader to answer it (etcd's request timeout). */
  timeoutMs: number;
}

/** Pause before retrying on a fresh stream, as etcd's LeaseRenew pauses between attempts. */
const RETRY_MS = 50;

interface Pending {
  id: bigint;
  deadline: number;
}

// A follower's keep-alives for one client stream, forwarded to the leader on one stream of their
// own (not a stream per keep-alive). The leader answers each in order; when its stream breaks or
// the leader changes, the unanswered ones are sent again to whoever leads, until they time out.
export class KeepAliveRelay {
  private stream: KeepAliveStream | undefined;
  private streamLeader = 0n;
  private readonly pending: Pending[] = [];
  private retry: NodeJS.Timeout | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private closed = false;
  private onAnswered: (() => void) | undefined;

  constructor(private readonly o: KeepAliveRelayOptions) {}

  forward(id: bigint): void {
    if (this.closed) return;
    this.pending.push({ id, deadline: Date.now() + this.o.timeoutMs });
    this.armDeadline();
    if (this.retry !== undefined) return; // the retry sends it
    const before = this.stream;
    const s = this.current();
    if (s === undefined) this.scheduleRetry();
    else if (s === before) s.write({ ID: id });
    else this.sendPending(s); // a new leader: what the old one did not answer goes to it too
  }

  /**
   * Runs `fn` once every keep-alive forwarded so far is answered: a client that half-closes its
   * stream (the JSON gateway does, after one request) still gets its answers, as from etcd, whose
   * follower answers each keep-alive before it reads the next. Not run if the relay closes first.
   */
  whenAnswered(fn: () => void): void {
    if (this.closed) return;
    if (this.pending.length === 0) fn();
    else this.onAnswered = fn;
  }

  close(): void {
    this.closed = true;
    this.onAnswered = undefined;
    if (this.retry !== undefined) clearTimeout(this.retry);
    if (this.deadline !== undefined) clearTimeout(this.deadline);
    this.retry = undefined;
    this.deadline = undefined;
    this.drop();
    this.pending.length = 0;
  }

  /** The stream to the current leader, opened (and the old one dropped) when the leader changed. */
  private current(): KeepAliveStream | undefined {
    const leader = this.o.leader();
    if (this.stream !== undefined && this.streamLeader === leader) return this.stream;
    this.drop();
    if (leader === 0n) return undefined;
    const s = this.o.open(leader);
    if (s === undefined) return undefined;
    this.stream = s;
    this.streamLeader = leader;
    s.on('data', (r: rpc.LeaseKeepAliveResponse) => {
      const i = this.pending.findIndex((p) => p.id === r.ID);
      if (i >= 0) this.pending.splice(i, 1);
      this.o.answer(r.ID, r.TTL);
      const done = this.onAnswered;
      if (done === undefined || this.pending.length > 0) return;
      this.onAnswered = undefined;
      done();
    });
    const broken = (): void => {
      if (this.stream !== s) return;
      this.drop();
      if (this.pending.length > 0) this.scheduleRetry();
    };
    s.on('error', broken);
    s.on('end', broken);
    return s;
  }

  private drop(): void {
    const s = this.stream;
    this.stream = undefined;
    this.streamLeader = 0n;
    if (s === undefined) return;
    s.end();
    s.cancel();
  }

  private scheduleRetry(): void {
    if (this.closed || this.retry !== undefined) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (this.closed) return;
      const s = this.current();
      if (s === undefined) {
        this.scheduleRetry();
        return;
      }
      this.sendPending(s);
    }, RETRY_MS);
  }

  /** Fails the relay once the oldest unanswered keep-alive has waited its timeout. */
  private armDeadline(): void {
    const oldest = this.pending[0];
    if (this.closed || this.deadline !== undefined || oldest === undefined) return;
    this.deadline = setTimeout(() => {
      this.deadline = undefined;
      if (this.closed) return;
      const first = this.pending[0];
      if (first !== undefined && first.deadline <= Date.now()) {
        const leaderless = this.o.leader() === 0n;
        this.close();
        this.o.fail({ kind: leaderless ? 'no_leader' : 'timeout' });
        return;
      }
      this.armDeadline();
    }, Math.max(0, oldest.deadline - Date.now()));
  }

  private sendPending(s: KeepAliveStream): void {
    for (const p of this.pending) s.write({ ID: p.id });
  }
}
