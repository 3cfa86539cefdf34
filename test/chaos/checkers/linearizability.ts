// Linearizability of single-key registers (read / write / cas / delete).
// Keys are independent objects, so each key's sub-history is checked on its
// own (locality, i.e. P-compositionality) with the WGL search in wgl.ts over
// the register model in register-model.ts. Ops with outcome 'fail' are
// dropped; 'info' ops never complete (they may take effect at any time after
// their invocation, or never). A search over budget yields 'unknown', which
// is never valid.
import type { KvOp } from '../history.js';
import { type CheckResult, describeOp, ErrorList, q, type Validity } from './common.js';
import { compileKey, type CompiledKey, type InitialRegister } from './register-model.js';
import { precheckRevisions } from './register-precheck.js';
import { wglSearch, type WglStuck } from './wgl.js';

export interface LinearizabilityOptions {
  /** Check mod/header revisions against the linearization order (default true). */
  useRevisions?: boolean;
  /** Register state before the history, per key (default: absent). */
  initial?: Record<string, InitialRegister>;
  /** Search budget per key; beyond it the key's verdict is 'unknown'. */
  maxStepsPerKey?: number;
  maxCacheEntriesPerKey?: number;
  /** Wall-clock budget for the whole check. */
  timeLimitMs?: number;
}

export interface LinearizabilityStats {
  keys: number;
  ops: number;
  /** Ops the search ran over (after the drops below). */
  checkedOps: number;
  /** Indeterminate mutations kept in the search. */
  infoOps: number;
  droppedFail: number;
  droppedInfoReads: number;
  droppedInfoUnobserved: number;
  steps: number;
  cacheEntries: number;
  elapsedMs: number;
  invalidKeys: string[];
  unknownKeys: string[];
  slowestKey?: { key: string; ops: number; steps: number; ms: number };
}

export const LINEARIZABILITY_DEFAULTS = {
  maxStepsPerKey: 10_000_000,
  maxCacheEntriesPerKey: 2_000_000,
  timeLimitMs: 120_000,
} as const;

export function checkLinearizability(ops: readonly KvOp[], opts: LinearizabilityOptions = {}): CheckResult<LinearizabilityStats, Validity> {
  const t0 = performance.now();
  const deadline = t0 + (opts.timeLimitMs ?? LINEARIZABILITY_DEFAULTS.timeLimitMs);
  const errors = new ErrorList();
  const warnings: string[] = [];
  const byKey = new Map<string, { ops: KvOp[]; positions: number[] }>();
  ops.forEach((op, pos) => {
    let g = byKey.get(op.key);
    if (!g) byKey.set(op.key, (g = { ops: [], positions: [] }));
    g.ops.push(op);
    g.positions.push(pos);
  });
  const stats: LinearizabilityStats = {
    keys: byKey.size,
    ops: ops.length,
    checkedOps: 0,
    infoOps: 0,
    droppedFail: 0,
    droppedInfoReads: 0,
    droppedInfoUnobserved: 0,
    steps: 0,
    cacheEntries: 0,
    elapsedMs: 0,
    invalidKeys: [],
    unknownKeys: [],
  };
  let malformed = false;
  for (const [key, g] of byKey) {
    const kt = performance.now();
    const c = compileKey(key, g.ops, g.positions, { useRevisions: opts.useRevisions ?? true, initial: opts.initial?.[key] });
    stats.checkedOps += c.model.n;
    stats.infoOps += c.model.n - c.model.okCount;
    stats.droppedFail += c.droppedFail;
    stats.droppedInfoReads += c.droppedInfoReads;
    stats.droppedInfoUnobserved += c.droppedInfoUnobserved;
    for (const m of c.malformed) errors.add(`malformed: ${m}`);
    if (c.malformed.length) malformed = true;
    // A stale read shown by revisions alone needs no search.
    const pre = opts.useRevisions === false ? [] : precheckRevisions(key, g.ops, g.positions);
    if (pre.length > 0) {
      stats.invalidKeys.push(key);
      for (const m of pre) errors.add(m);
      continue;
    }
    const res = wglSearch(c.model, {
      maxSteps: opts.maxStepsPerKey ?? LINEARIZABILITY_DEFAULTS.maxStepsPerKey,
      maxCacheEntries: opts.maxCacheEntriesPerKey ?? LINEARIZABILITY_DEFAULTS.maxCacheEntriesPerKey,
      deadline,
    });
    stats.steps += res.steps;
    stats.cacheEntries += res.cacheEntries;
    const kms = performance.now() - kt;
    if (!stats.slowestKey || kms > stats.slowestKey.ms) stats.slowestKey = { key, ops: c.model.n, steps: res.steps, ms: Math.round(kms) };
    if (res.kind === 'invalid') {
      stats.invalidKeys.push(key);
      errors.add(explain(key, c, res.stuck));
    } else if (res.kind === 'unknown') {
      stats.unknownKeys.push(key);
      errors.add(
        `key ${JSON.stringify(key)}: UNKNOWN, search gave up (${res.reason}) after ${res.steps} steps and ` +
          `${res.cacheEntries} cached configurations over ${c.model.n} ops (${c.model.n - c.model.okCount} indeterminate); ` +
          `not checked, must not be read as valid`,
      );
    }
  }
  stats.elapsedMs = Math.round(performance.now() - t0);
  const valid: Validity = malformed || stats.invalidKeys.length > 0 ? false : stats.unknownKeys.length > 0 ? 'unknown' : true;
  return { valid, errors: errors.done(), warnings, stats };
}

function explain(key: string, c: CompiledKey, stuck: WglStuck): string {
  const d = (i: number): string => describeOp(c.ops[i]!, c.positions[i]);
  const head = `key ${JSON.stringify(key)}: not linearizable (${c.model.n} ops checked).`;
  if (stuck.op < 0) return head;
  const op = c.ops[stuck.op]!;
  const states = stuck.states.map((s) => {
    const [v, r, f] = s.state as [number, number, number];
    const rv = v === 0 ? '' : r === 0 ? ', mod_rev unknown' : `, mod_rev ${r}`;
    const after = s.after === undefined ? 'initially' : `after ${d(s.after)}`;
    return `${q(c.values[v])}${rv}, revision floor ${f} (${after})`;
  });
  const concurrent: string[] = [];
  for (let i = 0; i < c.model.n && concurrent.length < 6; i++) {
    if (i === stuck.op) continue;
    const o = c.ops[i]!;
    const end = o.outcome === 'ok' ? o.completeMs : Infinity;
    if (o.invokeMs <= op.completeMs && end >= op.invokeMs) concurrent.push(d(i));
  }
  return (
    `${head} At most ${stuck.linearizedOk} of ${c.model.okCount} completed ops could be linearized; ` +
    `then ${d(stuck.op)} could not be placed before its completion; register states reached there: ` +
    `${states.join('; ')}.` +
    (stuck.nextInOrder >= 0 && stuck.nextInOrder !== stuck.op
      ? ` The op with the lowest revision not yet linearized, which had to come next, is ${d(stuck.nextInOrder)}.`
      : '') +
    (concurrent.length ? ` Concurrent with it: ${concurrent.join('; ')}.` : '')
  );
}
