import type { InternalRequestInit } from '../gen/raftkvpb.js';
import type { ConfChange } from '../raft/index.js';
import type { ApplyResult } from '../server/apply-results.js';
import { Proposer } from '../server/proposer.js';

/** Outcomes that mean the proposal itself failed (etcd's proposals_failed_total), not the request. */
const FAILED = new Set(['timeout', 'no_leader', 'not_leader', 'stopped']);

// A Proposer that keeps etcd's proposal counts for /metrics: how many are waiting to be applied,
// and how many failed to commit (timed out, or refused for want of a leader).
export class CountedProposer extends Proposer {
  private waiting = 0;
  private failures = 0;

  get pending(): number {
    return this.waiting;
  }

  get failed(): number {
    return this.failures;
  }

  override propose(req: InternalRequestInit, guardedByQuota: boolean): Promise<ApplyResult> {
    return this.count(super.propose(req, guardedByQuota));
  }

  override changeMembership(build: (requestId: bigint) => ConfChange): Promise<ApplyResult> {
    return this.count(super.changeMembership(build));
  }

  private async count(p: Promise<ApplyResult>): Promise<ApplyResult> {
    this.waiting++;
    try {
      const r = await p;
      if (!r.ok && FAILED.has(r.error.kind)) this.failures++;
      return r;
    } finally {
      this.waiting--;
    }
  }
}
