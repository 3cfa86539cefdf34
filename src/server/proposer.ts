import { InternalRequest, type InternalRequestInit } from '../gen/raftkvpb.js';
import type { ConfChange } from '../raft/index.js';
import type { ApplyResult } from './apply-results.js';
import type { ProposeError } from './consensus.js';
import { fail, fromProposeError } from './errors.js';
import type { IdGenerator } from './id-generator.js';
import { Waiters } from './waiters.js';

/** What the proposer needs of the consensus layer. */
export interface ProposalSink {
  propose(data: Uint8Array): Promise<ProposeError | undefined>;
  proposeConfChange(cc: ConfChange): Promise<ProposeError | undefined>;
  waitForLeader(timeoutMs: number): Promise<boolean>;
  onNewLeader(listener: () => void): void;
}

export interface ProposerOptions {
  sink: ProposalSink;
  ids: IdGenerator;
  maxRequestBytes: number;
  timeoutMs: number;
  /** Whether the space quota admits a write that grows the store (quota.ts). */
  admits: (req: InternalRequestInit) => boolean;
  /** Whether the CORRUPT alarm is raised; then the requests etcd's corrupt applier refuses fail. */
  corrupt?: () => boolean;
}

/** What etcd's applierV3Corrupt refuses with ErrCorrupt. */
function refusedWhenCorrupt(r: InternalRequestInit): boolean {
  return (
    r.put !== undefined ||
    r.delete_range !== undefined ||
    r.txn !== undefined ||
    r.compaction !== undefined ||
    r.lease_grant !== undefined ||
    r.lease_revoke !== undefined
  );
}

/** Pause before re-proposing a request the leader could not take. */
const RETRY_DELAY_MS = 50;

// Turns a request into a log entry, proposes it and waits until this member has applied it, with
// etcd's request timeout. The applier settles the waiters by request ID.
//
// A proposal may die with the leader that held it. So when a new leader becomes known, every
// write still waiting is proposed again under the same request ID, and the client waits about
// one election instead of the whole timeout. Both copies may commit; the applier applies an ID
// once (request-window.ts), and the first copy's result answers the waiter.
export class Proposer {
  protected readonly waiters = new Waiters<ApplyResult>();
  /** Proposed, not yet applied: request ID -> entry bytes. */
  private readonly inFlight = new Map<bigint, Uint8Array>();
  private stopped = false;

  constructor(private readonly o: ProposerOptions) {
    o.sink.onNewLeader(() => this.proposeAgain());
  }

  propose(req: InternalRequestInit, guardedByQuota: boolean): Promise<ApplyResult> {
    if (this.stopped) return Promise.resolve(fail({ kind: 'stopped' }));
    if (this.o.corrupt?.() === true && refusedWhenCorrupt(req)) return Promise.resolve(fail({ kind: 'corrupt' }));
    if (guardedByQuota && !this.o.admits(req)) return Promise.resolve(fail({ kind: 'no_space' }));
    const id = this.o.ids.next();
    const data = InternalRequest.encode({ ...req, ID: id }).finish();
    if (data.length > this.o.maxRequestBytes) return Promise.resolve(fail({ kind: 'request_too_large' }));
    return this.submit(id, () => this.o.sink.propose(data), data);
  }

  /** A membership change; `build` gets the request ID to carry in the change's context. */
  changeMembership(build: (requestId: bigint) => ConfChange): Promise<ApplyResult> {
    if (this.stopped) return Promise.resolve(fail({ kind: 'stopped' }));
    const id = this.o.ids.next();
    const cc = build(id);
    return this.submit(id, () => this.o.sink.proposeConfChange(cc));
  }

  /** The applier's result for a request, if this member proposed it. */
  settle(id: bigint, result: ApplyResult): void {
    this.waiters.trigger(id, result);
  }

  stop(): void {
    this.stopped = true;
    this.waiters.triggerAll(fail({ kind: 'stopped' }));
  }

  private async submit(id: bigint, send: () => Promise<ProposeError | undefined>, entry?: Uint8Array): Promise<ApplyResult> {
    const deadline = Date.now() + this.o.timeoutMs;
    const done = this.waiters.register(id);
    let err = await send();
    // Without a leader, or while it is busy, wait and retry instead of failing a request the
    // client won't retry itself. Each retry waits on a timer, so the event loop keeps turning.
    while ((err?.kind === 'no_leader' || err?.kind === 'busy') && Date.now() < deadline) {
      if (!(await this.o.sink.waitForLeader(deadline - Date.now()))) break;
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
      err = await send();
    }
    if (err !== undefined) {
      this.waiters.cancel(id);
      return fail(fromProposeError(err));
    }
    if (entry === undefined) return this.awaitApplied(id, done, deadline);
    this.inFlight.set(id, entry);
    try {
      return await this.awaitApplied(id, done, deadline);
    } finally {
      this.inFlight.delete(id);
    }
  }

  /** Best effort: a copy that fails to go out leaves the first one and the deadline in charge. */
  private proposeAgain(): void {
    if (this.stopped) return;
    for (const entry of this.inFlight.values()) void this.o.sink.propose(entry);
  }

  /** Waits for the applier's result of a proposed request, until the deadline. */
  protected async awaitApplied(id: bigint, done: Promise<ApplyResult>, deadline: number): Promise<ApplyResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ApplyResult>((resolve) => {
      timer = setTimeout(() => resolve(fail({ kind: 'timeout' })), Math.max(0, deadline - Date.now()));
    });
    const result = await Promise.race([done, timeout]);
    clearTimeout(timer);
    this.waiters.cancel(id);
    return result;
  }
}
