// Fast, search-free checks of one key's reads against the revisions of its
// acknowledged mutations. A read at header revision H sees the latest
// mutation at or below H; etcd stamps it with that mutation's revision. So a
// read returning mod_revision M is impossible if an acknowledged mutation of
// the key committed in (M, H], or if the mutation committed at M wrote
// something else. These catch stale reads directly with precise messages (the
// WGL search also would, but with many indeterminate ops it may have to
// exhaust a large space before saying so).
import type { KvOp } from '../history.js';
import { describeOp, q, revOf } from './common.js';

interface Mutation {
  rev: number;
  value: string | null;
  op: KvOp;
  pos: number;
}

export function precheckRevisions(key: string, ops: readonly KvOp[], positions: readonly number[]): string[] {
  const errors: string[] = [];
  const k = JSON.stringify(key);
  const muts: Mutation[] = [];
  let unknownDeletes = false;
  ops.forEach((op, j) => {
    if (op.type === 'delete' && (op.outcome === 'info' || (op.outcome === 'ok' && (revOf(op.revision) === undefined || op.deleted === undefined)))) {
      unknownDeletes = true;
    }
    const rev = revOf(op.revision);
    if (op.outcome !== 'ok' || rev === undefined) return;
    if (op.type === 'write' || (op.type === 'cas' && op.succeeded !== false)) muts.push({ rev, value: op.value, op, pos: positions[j]! });
    else if (op.type === 'delete' && op.deleted === 1) muts.push({ rev, value: null, op, pos: positions[j]! });
  });
  muts.sort((a, b) => a.rev - b.rev);
  for (let i = 1; i < muts.length; i++) {
    if (muts[i]!.rev === muts[i - 1]!.rev) {
      errors.push(`key ${k}: two acknowledged mutations at revision ${muts[i]!.rev}: ${describeOp(muts[i - 1]!.op, muts[i - 1]!.pos)} and ${describeOp(muts[i]!.op, muts[i]!.pos)}`);
    }
  }
  /** The last known mutation at or below rev, or undefined. */
  const atOrBelow = (rev: number): Mutation | undefined => {
    let lo = 0;
    let hi = muts.length; // first index with muts[i].rev > rev
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (muts[mid]!.rev <= rev) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? muts[lo - 1] : undefined;
  };
  ops.forEach((op, j) => {
    const H = revOf(op.revision);
    if (op.type !== 'read' || op.outcome !== 'ok' || H === undefined) return;
    const last = atOrBelow(H);
    const what = describeOp(op, positions[j]);
    const M = revOf(op.modRevision);
    if (op.value !== null && op.value !== undefined && M !== undefined) {
      const at = atOrBelow(M);
      if (at && at.rev === M && at.value !== op.value) {
        errors.push(`key ${k}: stale or corrupt read ${what}: the mutation at revision ${M} was ${describeOp(at.op, at.pos)}, which left ${q(at.value)}`);
      } else if (last && last.rev > M) {
        errors.push(
          `key ${k}: stale read ${what}: served at revision ${H} it returned mod_revision ${M}, ` +
            `but ${describeOp(last.op, last.pos)} had committed at revision ${last.rev} in between, leaving ${q(last.value)}`,
        );
      }
    } else if (op.value === null && last && last.value !== null && !unknownDeletes) {
      errors.push(`key ${k}: read ${what} found the key absent at revision ${H}, but ${describeOp(last.op, last.pos)} had written it at revision ${last.rev} and no delete can explain it`);
    }
  });
  return errors;
}
