import type { Logger } from 'pino';
import type { Member } from '../cluster/member-store.js';
import type { MvccEvent } from '../mvcc/types.js';
import type { ApplyResult } from './apply-results.js';
import type { CommittedEntry, SnapshotFile, StateMachineHost } from './consensus.js';
import type { StateMachine } from './state-machine.js';
import type { AppliedIndexWaiters } from './waiters.js';

/** Receives the events of every applied batch, after it committed (the watch hub). */
export interface EventSink {
  publish(events: MvccEvent[], revision: number): void;
  /** The state was replaced by a snapshot: whatever the sink derived from it must be re-read. */
  resync(): void;
}

export interface ApplyHostOptions {
  sm: StateMachine;
  events: EventSink;
  /** Wakes the proposer waiting for a request, if this member proposed it. */
  settle: (id: bigint, result: ApplyResult) => void;
  appliedWaiters: AppliedIndexWaiters;
  /** Runs after each applied batch (the quota check). */
  afterApply: () => void;
  logger: Logger;
}

// What consensus drives on the main thread: each committed batch is applied in one transaction,
// then its events go to the watchers, then the proposers waiting for its requests are answered.
export class ApplyHost implements StateMachineHost {
  constructor(private readonly o: ApplyHostOptions) {}

  appliedIndex(): number {
    return this.o.sm.appliedIndex();
  }

  apply(entries: CommittedEntry[]): { membersChanged: boolean } {
    const o = this.o;
    const outcome = o.sm.apply(entries);
    if (outcome.events.length > 0) o.events.publish(outcome.events, outcome.revision);
    for (const a of outcome.applied) o.settle(a.id, a.result);
    o.appliedWaiters.advance(o.sm.appliedIndex());
    o.afterApply();
    return { membersChanged: outcome.membersChanged };
  }

  members(): Member[] {
    return this.o.sm.members.list();
  }

  async restore(snap: SnapshotFile): Promise<void> {
    await this.o.sm.restore(snap);
    this.o.appliedWaiters.advance(this.o.sm.appliedIndex());
    this.o.events.resync();
    this.o.logger.info({ index: snap.index }, 'installed snapshot from the leader');
  }

  leadershipChanged(isLeader: boolean): void {
    if (isLeader) this.o.sm.lessor.promote();
    else this.o.sm.lessor.demote();
  }

  checkpoint(): Promise<number | undefined> {
    return this.o.sm.checkpoint();
  }
}
