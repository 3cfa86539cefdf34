// Cross-checks the WGL search (with its greedy, dominance, symmetry and
// revision-order pruning) against a naive search over every real-time
// respecting order of small random histories, valid and corrupted, with
// repeated values, indeterminate ops and revisions.
import { describe, expect, it } from 'vitest';
import type { KvOp } from '../history.js';
import { checkLinearizability } from './linearizability.js';
import { precheckRevisions } from './register-precheck.js';
import { mulberry32 as rng } from '../../../src/util/mulberry32.js';
import { generateRegisterHistory } from './register-gen.js';

interface Spec {
  value: string | null;
  mod: number | undefined; // undefined: unknown (indeterminate write)
  floor: number;
}

const num = (r: string | undefined): number | undefined => (r === undefined ? undefined : Number(r));
/** Revision 0 marks a missing header: unknown. */
const rv = (r: string | undefined): number | undefined => (r === undefined || r === '0' ? undefined : Number(r));

/**
 * The register specification, applied to one op; undefined if illegal.
 * `known`: revisions of the key's acknowledged mutations, which an unknown
 * mod_revision cannot be.
 */
function apply(s: Spec, op: KvOp, known: Set<number>): Spec | undefined {
  const H = op.outcome === 'ok' ? rv(op.revision) : undefined;
  const mutate = (value: string | null): Spec | undefined => {
    if (H === undefined) return { value, mod: value === null ? 0 : undefined, floor: s.floor };
    if (H <= s.floor) return undefined;
    return { value, mod: value === null ? 0 : H, floor: H };
  };
  const observe = (mod: Spec['mod']): Spec | undefined => {
    if (H !== undefined && H < s.floor) return undefined;
    return { value: s.value, mod, floor: H ?? s.floor };
  };
  const revMay = (e: number): boolean => (e === 0 ? s.value === null : s.value !== null && (s.mod === undefined ? !known.has(e) : s.mod === e));
  const revMust = (e: number): boolean => (e === 0 ? s.value === null : s.value !== null && s.mod === e);
  switch (op.type) {
    case 'read': {
      if (op.value !== s.value) return undefined;
      const mr = rv(op.modRevision);
      if (mr !== undefined && H !== undefined && mr > H) return undefined;
      if (s.value === null || mr === undefined) return observe(s.mod);
      if (s.mod !== undefined ? s.mod !== mr : known.has(mr)) return undefined;
      return observe(mr);
    }
    case 'write':
      return mutate(op.value);
    case 'cas': {
      const byRev = op.compare === 'mod_revision';
      const e = num(op.expectedModRevision) ?? 0;
      if (op.outcome === 'info') return (byRev ? revMay(e) : s.value === op.expected) ? mutate(op.value) : undefined;
      if (op.succeeded !== false) return (byRev ? revMay(e) : s.value === op.expected) ? mutate(op.value) : undefined;
      return (byRev ? !revMust(e) : s.value !== op.expected) ? observe(s.mod) : undefined;
    }
    case 'delete':
      if (op.outcome === 'info') return mutate(null);
      if (s.value !== null) return op.deleted === 0 ? undefined : mutate(null);
      return op.deleted === 1 ? undefined : observe(0);
  }
}

function bruteForce(all: KvOp[]): boolean {
  const ops = all.filter((o) => o.outcome === 'ok' || (o.outcome === 'info' && o.type !== 'read'));
  const okCount = ops.filter((o) => o.outcome === 'ok').length;
  const known = new Set<number>();
  for (const o of ops) {
    const mutation = o.type === 'write' || (o.type === 'cas' && o.succeeded !== false) || (o.type === 'delete' && o.deleted === 1);
    if (o.outcome === 'ok' && mutation && o.revision !== undefined) known.add(Number(o.revision));
  }
  const done = new Array<boolean>(ops.length).fill(false);
  const dfs = (s: Spec, placed: number): boolean => {
    if (placed === okCount) return true;
    for (let i = 0; i < ops.length; i++) {
      if (done[i]) continue;
      // Every completed op that returned before i was called must come first.
      if (ops.some((p, j) => !done[j] && j !== i && p.outcome === 'ok' && p.completeMs < ops[i]!.invokeMs)) continue;
      const next = apply(s, ops[i]!, known);
      if (!next) continue;
      done[i] = true;
      const ok = dfs(next, placed + (ops[i]!.outcome === 'ok' ? 1 : 0));
      done[i] = false;
      if (ok) return true;
    }
    return false;
  };
  return dfs({ value: null, mod: 0, floor: 0 }, 0);
}

/** A random local change that may or may not break linearizability. */
function perturb(ops: KvOp[], rand: () => number): void {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const op = pick(ops);
  const vals = [null, 'v1', 'v2', 'v3'];
  switch (Math.floor(rand() * 6)) {
    case 0:
      if (op.type === 'read') op.value = pick(vals);
      break;
    case 1:
      if (op.type === 'read' && op.modRevision !== undefined) op.modRevision = String(Number(op.modRevision) + pick([-1, 1, 2]));
      break;
    case 2:
      if (op.revision !== undefined) op.revision = String(Math.max(1, Number(op.revision) + pick([-2, -1, 1])));
      break;
    case 3:
      if (op.type === 'cas' && op.outcome === 'ok' && rand() < 0.5) op.succeeded = op.succeeded === false;
      else if (op.type === 'cas' && op.expectedModRevision !== undefined) op.expectedModRevision = String(Math.max(0, Number(op.expectedModRevision) + pick([-1, 1])));
      break;
    case 4:
      if (op.type === 'delete' && op.deleted !== undefined) op.deleted = 1 - op.deleted;
      break;
    default: {
      // Shift an op in time.
      const d = (rand() - 0.5) * 10;
      op.invokeMs = Math.max(0, op.invokeMs + d);
      op.completeMs = Math.max(op.invokeMs, op.completeMs + d);
    }
  }
}

const strip = (ops: KvOp[]): KvOp[] =>
  ops.map((o) => {
    const c = { ...o };
    delete c.revision;
    if (c.type === 'read') delete c.modRevision;
    return c;
  });

describe('linearizability: agrees with brute force', () => {
  it('on 3,000 small random histories', () => {
    const N = Number(process.env['BRUTE_N'] ?? 3000);
    const base = Number(process.env['BRUTE_SEED'] ?? 0);
    const sizes = Number(process.env['BRUTE_SIZES'] ?? 5);
    const rand = rng(12345 + base);
    const tally = { valid: 0, invalid: 0 };
    for (let t = base; t < base + N; t++) {
      let ops = generateRegisterHistory({
        seed: t + 1,
        clients: 2 + (t % (sizes > 5 ? 5 : 3)),
        ops: 4 + (t % sizes),
        values: 2 + (t % 2),
        pInfo: 0.25,
        pFail: 0.1,
        pCas: 0.25,
        pDelete: 0.15,
        casFailAsOk: t % 2 === 0,
        maxLatencyMs: 4,
      });
      const rounds = Math.floor(rand() * 4);
      for (let k = 0; k < rounds; k++) perturb(ops, rand);
      if (t % 4 === 3) ops = strip(ops);
      // The checker is the revision precheck (search-free, stronger on reads
      // of indeterminate writes' revisions) and then the search.
      const expected = precheckRevisions('x', ops, ops.map((_, i) => i)).length === 0 && bruteForce(ops);
      const got = checkLinearizability(ops);
      expect(got.valid, `history ${t}: ${JSON.stringify(ops)}`).toBe(expected);
      tally[expected ? 'valid' : 'invalid']++;
    }
    // Both verdicts well represented.
    expect(tally.valid).toBeGreaterThan(N / 10);
    expect(tally.invalid).toBeGreaterThan(N / 10);
  });
});
