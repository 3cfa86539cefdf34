import type { MemberStore } from '../cluster/member-store.js';
import type { Consensus } from './consensus.js';
import { fail, fromProposeError, ok, type ServerResult } from './errors.js';

const POLL_MS = 20;

// MoveLeader: the leader hands leadership to `target` and waits until it has it. Moving to the
// current leader succeeds at once, as in etcd.
export class LeaderTransfer {
  constructor(
    private readonly selfId: bigint,
    private readonly members: Pick<MemberStore, 'get'>,
    private readonly consensus: Pick<Consensus, 'status' | 'transferLeader'>,
    private readonly timeoutMs: number,
  ) {}

  async move(target: bigint): Promise<ServerResult<null>> {
    const m = this.members.get(target);
    if (m === undefined || m.isLearner) return fail({ kind: 'bad_leader_transferee' });
    if (this.consensus.status().leader !== this.selfId) return fail({ kind: 'not_leader' });
    if (target === this.selfId) return ok(null);
    const err = await this.consensus.transferLeader(target);
    if (err !== undefined) return fail(fromProposeError(err));
    const deadline = Date.now() + this.timeoutMs;
    while (Date.now() < deadline) {
      if (this.consensus.status().leader === target) return ok(null);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return fail({ kind: 'timeout' });
  }
}
