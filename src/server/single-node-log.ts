import type { DurableLog, LogEntry } from '../storage/durable-log.js';
import type { CommittedEntry, Consensus, ConsensusStatus, ProposeError, ReadIndexResult } from './consensus.js';

// A one-member "cluster": every proposal is committed once it is durable in the local log.
// Proposals arriving in the same event-loop turn share one transaction and one fsync (group commit).

const TERM = 1;

export class SingleNodeLog implements Consensus {
  private pending: Uint8Array[] = [];
  private flushScheduled = false;
  private apply: ((entries: CommittedEntry[]) => void) | undefined;
  private stopped = false;

  constructor(
    private readonly id: bigint,
    private readonly log: DurableLog,
    private readonly catchUpEntries: number,
  ) {}

  start(appliedIndex: number, apply: (entries: CommittedEntry[]) => void): void {
    this.apply = apply;
    if (this.log.hardState().term === 0) this.log.save({ term: TERM, vote: this.id, commit: 0 }, []);
    // Everything in a single node's log was committed when it was written: replay the unapplied tail.
    const last = this.log.lastIndex();
    for (let lo = Math.max(appliedIndex + 1, this.log.firstIndex()); lo <= last; lo += 1000) {
      const batch = this.log.entries(lo, Math.min(lo + 1000, last + 1));
      apply(batch.map((e) => ({ index: e.index, term: e.term, data: e.data })));
    }
  }

  propose(data: Uint8Array): ProposeError | undefined {
    if (this.stopped || this.apply === undefined) return { kind: 'stopped' };
    this.pending.push(data);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    return undefined;
  }

  async readIndex(): Promise<ReadIndexResult> {
    if (this.stopped) return { ok: false, error: { kind: 'stopped' } };
    // Everything durable is committed; pending proposals are not yet acknowledged to anyone.
    return { ok: true, index: this.log.lastIndex() };
  }

  compact(durablyApplied: number): void {
    const upTo = durablyApplied - this.catchUpEntries;
    if (upTo <= this.log.firstIndex()) return;
    const term = this.log.term(upTo);
    if (term !== undefined) this.log.compact(upTo, term);
  }

  status(): ConsensusStatus {
    const last = this.log.lastIndex();
    return { id: this.id, leader: this.id, term: TERM, lastIndex: last, commitIndex: last };
  }

  async stop(): Promise<void> {
    if (this.pending.length > 0) this.flush();
    this.stopped = true;
  }

  private flush(): void {
    this.flushScheduled = false;
    const apply = this.apply;
    if (this.pending.length === 0 || apply === undefined) return;
    const batch = this.pending;
    this.pending = [];
    let index = this.log.lastIndex();
    const entries: LogEntry[] = batch.map((data) => ({ index: ++index, term: TERM, type: 'normal', data }));
    this.log.save({ term: TERM, vote: this.id, commit: index }, entries);
    apply(entries.map((e) => ({ index: e.index, term: e.term, data: e.data })));
  }
}
