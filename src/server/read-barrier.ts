import type { Consensus } from './consensus.js';
import { fail, fromProposeError, ok, type ServerResult } from './errors.js';
import type { AppliedIndexWaiters } from './waiters.js';

/** What a linearizable read waits on. */
export interface ReadGate {
  /** Resolves once this member has applied everything committed before the call. */
  wait(): Promise<ServerResult<null>>;
}

// Linearizable reads: Raft's ReadIndex names the commit index a quorum confirmed, and the read
// runs once this member has applied that far.
export class ReadBarrier implements ReadGate {
  private stopped = false;

  constructor(
    private readonly consensus: Pick<Consensus, 'waitForLeader' | 'readIndex'>,
    private readonly applied: AppliedIndexWaiters,
    private readonly timeoutMs: number,
  ) {}

  async wait(): Promise<ServerResult<null>> {
    if (!(await this.consensus.waitForLeader(this.timeoutMs / 2))) return fail({ kind: 'no_leader' });
    const r = await this.consensus.readIndex();
    if (!r.ok) return fail(fromProposeError(r.error));
    await this.applied.wait(r.index);
    return this.stopped ? fail({ kind: 'stopped' }) : ok(null);
  }

  stop(): void {
    this.stopped = true;
  }
}
