import type { Lessor } from '../lease/lessor.js';
import type { ApplyResult } from './apply-results.js';

const CHECK_INTERVAL_MS = 500;

// On the member that keeps lease time (the leader), proposes a revoke for every expired lease,
// once per lease at a time; the revoke deletes its keys in one revision.
export class LeaseExpiry {
  private timer: NodeJS.Timeout | undefined;
  private readonly revoking = new Set<bigint>();

  constructor(
    private readonly lessor: Pick<Lessor, 'expired'>,
    private readonly revoke: (id: bigint) => Promise<ApplyResult>,
  ) {}

  run(): void {
    this.timer = setInterval(() => this.check(), CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  private check(): void {
    for (const id of this.lessor.expired()) {
      if (this.revoking.has(id)) continue;
      this.revoking.add(id);
      void this.revoke(id).finally(() => this.revoking.delete(id));
    }
  }
}
