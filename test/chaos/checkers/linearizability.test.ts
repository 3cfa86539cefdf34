import { describe, expect, it } from 'vitest';
import type { CasOp, DeleteOp, KvOp, Outcome, ReadOp, WriteOp } from '../history.js';
import { checkLinearizability } from './linearizability.js';
import { mulberry32 as rng } from '../../../src/util/mulberry32.js';
import { corruptOneRead, generateRegisterHistory } from './register-gen.js';

type Extra<T> = Partial<Omit<T, 'type' | 'invokeMs' | 'completeMs'>>;
let n = 0;
const base = (process: number, invokeMs: number, completeMs: number, outcome: Outcome = 'ok') => ({
  index: n++,
  process,
  key: 'x',
  invokeMs,
  completeMs,
  outcome,
});
const w = (p: number, value: string, t0: number, t1: number, x: Extra<WriteOp> = {}): WriteOp => ({ ...base(p, t0, t1), type: 'write', value, ...x });
const r = (p: number, value: string | null, t0: number, t1: number, x: Extra<ReadOp> = {}): ReadOp => ({ ...base(p, t0, t1), type: 'read', value, ...x });
const cas = (p: number, expected: string | null, value: string, t0: number, t1: number, x: Extra<CasOp> = {}): CasOp => ({
  ...base(p, t0, t1),
  type: 'cas',
  expected,
  value,
  ...x,
});
const del = (p: number, t0: number, t1: number, x: Extra<DeleteOp> = {}): DeleteOp => ({ ...base(p, t0, t1), type: 'delete', ...x });
const info = { outcome: 'info' } as const;

const check = (ops: KvOp[], useRevisions = true) => checkLinearizability(ops, { useRevisions });

describe('linearizability: registers', () => {
  it('accepts a sequential history', () => {
    const res = check([w(1, 'a', 0, 1), r(2, 'a', 2, 3), w(1, 'b', 4, 5), r(2, 'b', 6, 7), del(1, 8, 9, { deleted: 1 }), r(2, null, 10, 11)]);
    expect(res.errors).toEqual([]);
    expect(res.valid).toBe(true);
  });

  it('rejects a stale read after a completed write', () => {
    const res = check([w(1, 'a', 0, 10), w(1, 'b', 20, 30), r(2, 'a', 40, 50)]);
    expect(res.valid).toBe(false);
    expect(res.stats.invalidKeys).toEqual(['x']);
    expect(res.errors[0]).toMatch(/key "x": not linearizable/);
    expect(res.errors[0]).toMatch(/read "a"/);
    expect(res.errors[0]).toMatch(/"b".*after #\d+ p1 write "b"/);
  });

  it('accepts a read concurrent with a write returning either value', () => {
    for (const v of ['a', 'b']) expect(check([w(1, 'a', 0, 10), w(1, 'b', 20, 40), r(2, v, 25, 35)]).valid).toBe(true);
  });

  it('treats equal timestamps as concurrent', () => {
    expect(check([w(1, 'a', 0, 10), w(1, 'b', 11, 20), r(2, 'a', 20, 30)]).valid).toBe(true);
    expect(check([w(1, 'a', 0, 10), w(1, 'b', 11, 20), r(2, 'a', 20.01, 30)]).valid).toBe(false);
    expect(check([w(1, 'a', 0, 10), w(1, 'b', 10, 20), r(2, 'a', 20.01, 30)]).valid).toBe(true);
  });

  it('accepts an indeterminate write that later shows up in a read', () => {
    expect(check([w(1, 'a', 0, 10), w(1, 'b', 20, 30, info), r(2, 'a', 40, 50), r(2, 'b', 1000, 1010), r(3, 'b', 1020, 1030)]).valid).toBe(true);
  });

  it('accepts an indeterminate write that never shows up', () => {
    const res = check([w(1, 'a', 0, 10), w(1, 'b', 20, 30, info), r(2, 'a', 40, 50), r(2, 'a', 1000, 1010)]);
    expect(res.valid).toBe(true);
    expect(res.stats.droppedInfoUnobserved).toBe(1);
  });

  it('rejects an indeterminate write read before it was invoked', () => {
    expect(check([w(1, 'a', 0, 10), r(2, 'b', 12, 15), w(1, 'b', 20, 30, info)]).valid).toBe(false);
  });

  it('rejects going back after an indeterminate write was observed', () => {
    expect(check([w(1, 'a', 0, 10), w(1, 'b', 20, 30, info), r(2, 'b', 40, 50), r(2, 'a', 60, 70)]).valid).toBe(false);
  });

  it('rejects a read of a value never written', () => {
    const res = check([w(1, 'a', 0, 10), r(2, 'zzz', 5, 15)]);
    expect(res.valid).toBe(false);
    expect(res.errors[0]).toMatch(/read "zzz"/);
  });

  it('rejects a read of a write that had failed', () => {
    expect(check([w(1, 'a', 0, 10), w(1, 'b', 20, 30, { outcome: 'fail' }), r(2, 'b', 40, 50)]).valid).toBe(false);
  });

  it('ignores indeterminate reads', () => {
    const res = check([w(1, 'a', 0, 10), r(2, 'nonsense', 20, 30, info)]);
    expect(res.valid).toBe(true);
    expect(res.stats.droppedInfoReads).toBe(1);
  });

  it('rejects a lost acknowledged write', () => {
    const ops = [w(1, 'a', 0, 10), w(2, 'b', 20, 30), r(3, 'a', 40, 45), r(1, 'a', 50, 60)];
    expect(check(ops).valid).toBe(false);
    expect(check([w(1, 'a', 0, 10), r(3, null, 40, 45)]).valid).toBe(false);
  });

  describe('cas', () => {
    it('applies when the compare holds', () => {
      expect(check([w(1, 'a', 0, 1), cas(2, 'a', 'b', 2, 3), r(3, 'b', 4, 5)]).valid).toBe(true);
      expect(check([cas(2, null, 'b', 2, 3), r(3, 'b', 4, 5)]).valid).toBe(true);
    });
    it('rejects a successful cas whose compare was false', () => {
      expect(check([w(1, 'a', 0, 1), cas(2, 'z', 'b', 2, 3)]).valid).toBe(false);
    });
    it('checks an ok cas that did not succeed', () => {
      expect(check([w(1, 'a', 0, 1), cas(2, 'z', 'b', 2, 3, { succeeded: false }), r(3, 'a', 4, 5)]).valid).toBe(true);
      expect(check([w(1, 'a', 0, 1), cas(2, 'a', 'b', 2, 3, { succeeded: false })]).valid).toBe(false);
      // Concurrent with a write that changed the value: fine.
      expect(check([w(1, 'a', 0, 1), w(1, 'c', 2, 10), cas(2, 'a', 'b', 3, 4, { succeeded: false })]).valid).toBe(true);
    });
    it("drops a failed cas and rejects reading what it would have written", () => {
      expect(check([w(1, 'a', 0, 1), cas(2, 'a', 'b', 2, 3, { outcome: 'fail' }), r(3, 'a', 4, 5)]).valid).toBe(true);
      expect(check([w(1, 'a', 0, 1), cas(2, 'a', 'b', 2, 3, { outcome: 'fail' }), r(3, 'b', 4, 5)]).valid).toBe(false);
    });
    it('lets an indeterminate cas apply only if its compare held', () => {
      expect(check([w(1, 'a', 0, 1), cas(2, 'a', 'b', 2, 3, info), r(3, 'b', 10, 11)]).valid).toBe(true);
      expect(check([w(1, 'a', 0, 1), cas(2, 'z', 'b', 2, 3, info), r(3, 'b', 10, 11)]).valid).toBe(false);
    });
    it('compares on mod_revision', () => {
      const mk = (exp: string, succeeded: boolean) => [
        w(1, 'a', 0, 1, { revision: '5' }),
        cas(2, null, 'b', 2, 3, { compare: 'mod_revision', expectedModRevision: exp, succeeded, revision: succeeded ? '6' : '5' }),
      ];
      expect(check(mk('5', true)).valid).toBe(true);
      expect(check(mk('4', true)).valid).toBe(false);
      expect(check(mk('4', false)).valid).toBe(true);
      expect(check(mk('5', false)).valid).toBe(false);
    });
  });

  describe('deletes', () => {
    it('checks the deleted count', () => {
      expect(check([del(1, 0, 1, { deleted: 0 }), w(1, 'a', 2, 3), del(2, 4, 5, { deleted: 1 }), r(1, null, 6, 7)]).valid).toBe(true);
      expect(check([w(1, 'a', 2, 3), del(2, 4, 5, { deleted: 0 })]).valid).toBe(false);
      expect(check([del(2, 4, 5, { deleted: 1 })]).valid).toBe(false);
    });
  });

  describe('revisions', () => {
    it('orders concurrent writes by revision', () => {
      // Both writes overlap; b committed last (rev 12), yet a later read sees a.
      const ops = [w(1, 'a', 0, 10, { revision: '10' }), w(2, 'b', 0, 10, { revision: '12' }), r(3, 'a', 20, 21, { modRevision: '10', revision: '12' })];
      expect(check(ops).valid).toBe(false);
      expect(check(ops, false).valid).toBe(true);
    });
    it('rejects a read whose mod_revision is not the write it saw', () => {
      expect(check([w(1, 'a', 0, 10, { revision: '10' }), r(3, 'a', 20, 21, { modRevision: '9', revision: '10' })]).valid).toBe(false);
    });
    it('rejects a read served below a revision already linearized', () => {
      expect(check([w(1, 'a', 0, 10, { revision: '10' }), r(3, 'a', 20, 21, { modRevision: '10', revision: '10' }), r(3, 'a', 30, 31, { modRevision: '10', revision: '11' })]).valid).toBe(true);
      expect(check([w(1, 'a', 0, 10, { revision: '10' }), w(1, 'b', 5, 15, { revision: '11' }), r(3, 'a', 6, 21, { modRevision: '10', revision: '11' })]).valid).toBe(false);
    });
    it('binds the unknown revision of an indeterminate write once read', () => {
      const ops = [w(1, 'a', 0, 10, { revision: '3' }), w(2, 'b', 20, 30, info), r(3, 'b', 40, 50, { modRevision: '7', revision: '8' })];
      expect(check([...ops, r(3, 'b', 60, 61, { modRevision: '7', revision: '8' })]).valid).toBe(true);
      expect(check([...ops, r(3, 'b', 60, 61, { modRevision: '6', revision: '8' })]).valid).toBe(false);
    });
  });

  it('reports malformed ops as errors', () => {
    const res = check([w(1, 'a', 10, 5), r(1, 'a', 20, 30, { modRevision: '9', revision: '3' })]);
    expect(res.valid).toBe(false);
    expect(res.errors.join('\n')).toMatch(/malformed.*bad times/);
    expect(res.errors.join('\n')).toMatch(/mod_revision 9 above header revision 3/);
  });

  it('checks keys independently', () => {
    const ops = [w(1, 'a', 0, 10), { ...w(1, 'a', 0, 10), key: 'y' }, { ...r(2, 'a', 20, 30), key: 'y' }, r(2, 'a', 20, 30), { ...w(1, 'b', 40, 50), key: 'y' }, { ...r(2, 'a', 60, 70), key: 'y' }];
    const res = check(ops);
    expect(res.valid).toBe(false);
    expect(res.stats.keys).toBe(2);
    expect(res.stats.invalidKeys).toEqual(['y']);
  });

  it("returns 'unknown', not valid, when the search exceeds its budget", () => {
    // 22 fully concurrent writes, then a read of a value nobody wrote: the
    // search must try every subset before it can say no.
    const ops: KvOp[] = [];
    for (let i = 0; i < 22; i++) ops.push(w(i, `v${i}`, 0, 100));
    ops.push(r(99, 'nope', 200, 210));
    const res = checkLinearizability(ops, { useRevisions: false, maxStepsPerKey: 100_000 });
    expect(res.valid).toBe('unknown');
    expect(res.stats.unknownKeys).toEqual(['x']);
    expect(res.errors[0]).toMatch(/UNKNOWN.*must not be read as valid/);
  });
});

describe('linearizability: randomized', () => {
  it('accepts generated histories and rejects each with one corrupted read', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const opts = { seed, clients: 2 + (seed % 12), ops: 300, keys: ['a', 'b', 'c'], casFailAsOk: seed % 2 === 0, pInfo: 0.05 };
      for (const useRevisions of [true, false]) {
        const ops = generateRegisterHistory(opts);
        const ok = checkLinearizability(ops, { useRevisions });
        expect(ok.errors, `seed ${seed}`).toEqual([]);
        expect(ok.valid).toBe(true);
        const at = corruptOneRead(ops, rng(seed));
        expect(at, `seed ${seed}: no read to corrupt`).toBeGreaterThanOrEqual(0);
        const bad = checkLinearizability(ops, { useRevisions });
        expect(bad.valid, `seed ${seed} revisions=${useRevisions}: corrupted op ${at}`).toBe(false);
        expect(bad.stats.invalidKeys).toEqual([ops[at]!.key]);
      }
    }
  });

  it('checks 5,000 ops on one key from 16 clients quickly', () => {
    for (const useRevisions of [true, false]) {
      // Without revisions a mod_revision compare can only be checked loosely, so none here.
      const ops = generateRegisterHistory({ seed: 7, clients: 16, ops: 5000, pInfo: 0.05, pCasRev: useRevisions ? 0.5 : 0 });
      const t0 = performance.now();
      const res = checkLinearizability(ops, { useRevisions });
      const ms = performance.now() - t0;
      expect(res.errors).toEqual([]);
      expect(res.valid).toBe(true);
      console.log(`[linearizability] 5,000 ops, 16 clients, revisions ${useRevisions}: ${Math.round(ms)} ms (${Math.round(5000 / (ms / 1000))} ops/s, ${res.stats.steps} steps)`);
      corruptOneRead(ops, rng(7));
      const bad = checkLinearizability(ops, { useRevisions });
      expect(bad.valid).toBe(false);
    }
  });
});
