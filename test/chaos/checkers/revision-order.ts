// Revisions against real time, across all keys. etcd's revision is one
// global, totally ordered counter of committed writes, and a linearizable
// response's header revision is the store revision it saw. So if op A
// completed before op B was invoked, rev(B) >= rev(A), strictly when B is a
// write that committed; and two acknowledged writes never share a revision.
// The per-key linearizability check cannot see cross-key violations such as
// a member serving reads from a stale store.
import type { KvOp } from '../history.js';
import { type CheckResult, describeOp, ErrorList, revOf } from './common.js';

export interface RevisionOrderStats {
  /** Ok ops with a header revision. */
  checked: number;
  mutations: number;
}

interface Entry {
  op: KvOp;
  pos: number;
  rev: number;
  /** A write that committed at rev (not an observation of rev). */
  mutation: boolean;
}

export function checkRevisionOrder(ops: readonly KvOp[]): CheckResult<RevisionOrderStats> {
  const errors = new ErrorList();
  const entries: Entry[] = [];
  ops.forEach((op, pos) => {
    const rev = revOf(op.revision);
    if (op.outcome !== 'ok' || rev === undefined) return;
    const mutation = op.type === 'write' || (op.type === 'cas' && op.succeeded !== false) || (op.type === 'delete' && op.deleted === 1);
    entries.push({ op, pos, rev, mutation });
  });

  const byRev = new Map<number, Entry>();
  for (const e of entries) {
    if (!e.mutation) continue;
    const other = byRev.get(e.rev);
    if (other) errors.add(`two acknowledged writes at revision ${e.rev}: ${describeOp(other.op, other.pos)} on key ${JSON.stringify(other.op.key)} and ${describeOp(e.op, e.pos)} on key ${JSON.stringify(e.op.key)}`);
    else byRev.set(e.rev, e);
  }

  // Sweep by invocation; `best` is the highest revision among ops completed strictly before.
  const byInvoke = [...entries].sort((a, b) => a.op.invokeMs - b.op.invokeMs);
  const byComplete = [...entries].sort((a, b) => a.op.completeMs - b.op.completeMs);
  let best: Entry | undefined;
  let c = 0;
  for (const b of byInvoke) {
    while (c < byComplete.length && byComplete[c]!.op.completeMs < b.op.invokeMs) {
      const a = byComplete[c++]!;
      if (!best || a.rev > best.rev) best = a;
    }
    if (!best) continue;
    if (b.rev < best.rev || (b.mutation && b.rev === best.rev)) {
      errors.add(
        `revision went backwards in real time: ${describeOp(best.op, best.pos)} on key ${JSON.stringify(best.op.key)} completed at revision ${best.rev} ` +
          `before ${describeOp(b.op, b.pos)} on key ${JSON.stringify(b.op.key)} was invoked, which ${b.mutation ? 'committed' : 'was served'} at revision ${b.rev}`,
      );
    }
  }
  return {
    valid: errors.count === 0,
    errors: errors.done(),
    warnings: [],
    stats: { checked: entries.length, mutations: byRev.size },
  };
}
