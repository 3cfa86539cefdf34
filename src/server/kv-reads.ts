import type { MvccStore } from '../mvcc/store.js';
import type { RangeRequest, RangeResult, TxnRequest, TxnResult } from '../mvcc/types.js';
import { ok, type ServerResult } from './errors.js';
import type { ReadGate } from './read-barrier.js';

// Reads of the key space: linearizable ones after the read barrier, serializable ones at once
// from local state.
export class KvReads {
  constructor(
    private readonly store: MvccStore,
    private readonly gate: ReadGate,
  ) {}

  async range(req: RangeRequest, serializable: boolean): Promise<ServerResult<RangeResult>> {
    if (!serializable) {
      const b = await this.gate.wait();
      if (!b.ok) return b;
    }
    return this.store.range(req);
  }

  /** A txn that writes nothing anywhere: evaluated locally after a read barrier. */
  async readOnlyTxn(req: TxnRequest): Promise<ServerResult<{ txn: TxnResult; revision: number }>> {
    const b = await this.gate.wait();
    if (!b.ok) return b;
    const r = this.store.txn(req);
    if (!r.ok) return r;
    return ok({ txn: r.value.result, revision: r.value.revision });
  }
}
