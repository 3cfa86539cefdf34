// Txn as etcd 3.4 applies it (etcdserver/apply.go Txn): first every compare,
// nested txns' included, is evaluated against the state before the txn; then
// the chosen branches are checked (puts first, then ranges) against that same
// state; only then do the ops run, in order, sharing one main revision.
import { applyDeleteRange, applyPut } from './apply.js';
import { compareHolds } from './compare.js';
import { keyString, liveOf } from './key-index.js';
import type { ReadView } from './range.js';
import type { KvTables } from './tables.js';
import type { WriteTxn } from './write.js';
import type { LeaseLookup, MvccError, RequestOp, ResponseOp, Result, TxnRequest, TxnResult } from './types.js';

/** The branch a txn takes, and the branches its nested txns take (by op index). */
export interface TxnPlan {
  succeeded: boolean;
  ops: RequestOp[];
  nested: Map<number, TxnPlan>;
}

/** Evaluates the compares of the txn and of every nested txn on the taken path. */
export function planTxn(tables: KvTables, req: TxnRequest): TxnPlan {
  const succeeded = req.compare.every((c) => compareHolds(tables, c));
  const ops = succeeded ? req.success : req.failure;
  const nested = new Map<number, TxnPlan>();
  ops.forEach((op, i) => {
    if (op.type === 'txn') nested.set(i, planTxn(tables, op.txn));
  });
  return { succeeded, ops, nested };
}

/**
 * The errors etcd reports before a txn writes anything: for puts on the taken
 * path, key_not_found (ignore_value/ignore_lease on a missing key) and
 * lease_not_found; then for ranges, future_rev and compacted.
 */
export function checkTxn(plan: TxnPlan, tables: KvTables, leases: LeaseLookup, view: ReadView): MvccError | undefined {
  const puts = firstError(plan, (op) => {
    if (op.type !== 'put') return undefined;
    const p = op.put;
    if ((p.ignoreValue || p.ignoreLease) && liveOf(tables.index.get(keyString(p.key))) === undefined) return { kind: 'key_not_found' };
    if (p.lease !== 0n && !leases.exists(p.lease)) return { kind: 'lease_not_found' };
    return undefined;
  });
  if (puts) return puts;
  return firstError(plan, (op) => {
    if (op.type !== 'range' || op.range.revision === 0) return undefined;
    if (op.range.revision > view.revision) return { kind: 'future_rev' };
    if (op.range.revision < view.compactRevision) return { kind: 'compacted' };
    return undefined;
  });
}

function firstError(plan: TxnPlan, check: (op: RequestOp) => MvccError | undefined): MvccError | undefined {
  for (const [i, op] of plan.ops.entries()) {
    const nested = plan.nested.get(i);
    const err = nested ? firstError(nested, check) : check(op);
    if (err) return err;
  }
  return undefined;
}

/**
 * Runs the planned ops. The only error left after checkTxn is a put with
 * ignore_value/ignore_lease on a key this same txn deleted (etcd 3.4 panics
 * there); the caller must then roll back what was already written.
 */
export function applyTxn(w: WriteTxn, plan: TxnPlan): Result<TxnResult> {
  const responses: ResponseOp[] = [];
  for (const [i, op] of plan.ops.entries()) {
    switch (op.type) {
      case 'range': {
        const r = w.range(op.range);
        if (!r.ok) return r;
        responses.push({ type: 'range', range: r.value });
        break;
      }
      case 'put': {
        const r = applyPut(w, op.put);
        if (!r.ok) return r;
        responses.push({ type: 'put', put: r.value, revision: w.revision() });
        break;
      }
      case 'delete': {
        const deleteRange = applyDeleteRange(w, op.deleteRange);
        responses.push({ type: 'delete', deleteRange, revision: w.revision() });
        break;
      }
      case 'txn': {
        const nested = plan.nested.get(i);
        if (!nested) throw new Error('mvcc: nested txn without a plan');
        const r = applyTxn(w, nested);
        if (!r.ok) return r;
        responses.push({ type: 'txn', txn: r.value });
        break;
      }
    }
  }
  return { ok: true, value: { succeeded: plan.succeeded, responses } };
}
