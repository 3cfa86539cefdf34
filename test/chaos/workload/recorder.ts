// Collects what the workloads observe into the shared history format.
import type { ChaosHistory, KvOp, LeaseRecord, LockSection, WatchObservation } from '../history.js';

export class Recorder {
  readonly ops: KvOp[] = [];
  readonly watches: WatchObservation[] = [];
  readonly locks: LockSection[] = [];
  readonly leases: LeaseRecord[] = [];

  op(o: KvOp): void {
    this.ops.push(o);
  }

  /** Ops in invocation order, each with its position as `index`. */
  sortedOps(): KvOp[] {
    const ops = [...this.ops].sort((a, b) => a.invokeMs - b.invokeMs);
    ops.forEach((o, i) => (o.index = i));
    return ops;
  }

  history(extra: Omit<ChaosHistory, 'version' | 'ops' | 'watches' | 'locks' | 'leases'>): ChaosHistory {
    return {
      version: 1,
      ...extra,
      ops: this.sortedOps(),
      watches: this.watches,
      locks: this.locks,
      leases: this.leases,
    };
  }
}
