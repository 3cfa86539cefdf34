// The writes a history knows about, from register ops and lock sections, for
// the watch and durability checkers. Each comes from a single-key request, so
// an acknowledged one owns its revision.
import type { ChaosHistory, KvOp } from '../history.js';
import { describeOp, ms, revOf } from './common.js';

export interface KnownMutation {
  key: string;
  type: 'put' | 'delete';
  /** put: the value written, when recorded. */
  value?: string;
  /** Acknowledged: its commit revision. Undefined for an indeterminate one (it may or may not have happened). */
  revision?: number;
  outcome: 'ok' | 'info';
  /** Attached to a lease: the key may vanish without a recorded delete (lock keys). */
  leased?: boolean;
  /** For messages: the op that made it. */
  source: string;
}


function fromOp(op: KvOp, pos: number): KnownMutation | undefined {
  const source = describeOp(op, pos);
  const ok = op.outcome === 'ok';
  switch (op.type) {
    case 'write':
      if (op.outcome === 'fail') return undefined;
      return { key: op.key, type: 'put', value: op.value, revision: ok ? revOf(op.revision) : undefined, outcome: ok ? 'ok' : 'info', source };
    case 'cas':
      if (op.outcome === 'fail' || (ok && op.succeeded === false)) return undefined;
      return { key: op.key, type: 'put', value: op.value, revision: ok ? revOf(op.revision) : undefined, outcome: ok ? 'ok' : 'info', source };
    case 'delete':
      if (op.outcome === 'fail' || (ok && op.deleted === 0)) return undefined;
      // An ok delete with an unknown count may have deleted nothing.
      if (ok && op.deleted === 1) return { key: op.key, type: 'delete', revision: revOf(op.revision), outcome: 'ok', source };
      return { key: op.key, type: 'delete', outcome: 'info', source };
    case 'read':
      return undefined;
  }
}

export function mutationsOf(h: Pick<ChaosHistory, 'ops' | 'locks'>): KnownMutation[] {
  const out: KnownMutation[] = [];
  (h.ops ?? []).forEach((op, pos) => {
    const m = fromOp(op, pos);
    if (m) out.push(m);
  });
  for (const s of h.locks ?? []) {
    const who = `holder ${s.holder} (lock ${s.lock}, fencing revision ${s.fencingRevision})`;
    if (s.lockKey !== undefined) {
      const f = revOf(s.fencingRevision);
      if (f !== undefined && f > 0) out.push({ key: s.lockKey, type: 'put', revision: f, outcome: 'ok', leased: true, source: `${who}: its lock key` });
      const r = revOf(s.releaseRevision);
      if (r !== undefined && r > 0) out.push({ key: s.lockKey, type: 'delete', revision: r, outcome: 'ok', leased: true, source: `${who}: unlock` });
    }
    for (const w of s.writes) {
      if (w.outcome === 'fail') continue;
      const ok = w.outcome === 'ok';
      out.push({
        key: w.key,
        type: 'put',
        ...(w.value !== undefined ? { value: w.value } : {}),
        revision: ok ? revOf(w.revision) : undefined,
        outcome: ok ? 'ok' : 'info',
        source: `${who}: guarded write @${ms(w.invokeMs)}`,
      });
    }
  }
  return out;
}
