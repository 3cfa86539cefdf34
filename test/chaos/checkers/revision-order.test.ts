import { describe, expect, it } from 'vitest';
import type { KvOp } from '../history.js';
import { checkRevisionOrder } from './revision-order.js';

const w = (key: string, rev: number, t0: number, t1: number): KvOp => ({ type: 'write', process: 1, key, value: `${key}${rev}`, invokeMs: t0, completeMs: t1, outcome: 'ok', revision: String(rev) });
const r = (key: string, rev: number, t0: number, t1: number): KvOp => ({ type: 'read', process: 2, key, value: null, invokeMs: t0, completeMs: t1, outcome: 'ok', revision: String(rev) });

describe('revision order checker', () => {
  it('accepts revisions that grow with real time across keys', () => {
    const res = checkRevisionOrder([w('a', 2, 0, 10), r('b', 2, 11, 12), w('b', 3, 11, 20), w('c', 4, 15, 18), r('a', 4, 19, 25)]);
    expect(res.errors).toEqual([]);
    expect(res.valid).toBe(true);
    expect(res.stats).toEqual({ checked: 5, mutations: 3 });
  });

  it('rejects a read on another key served from an older revision', () => {
    const res = checkRevisionOrder([w('a', 5, 0, 10), r('b', 4, 11, 12)]);
    expect(res.valid).toBe(false);
    expect(res.errors[0]).toMatch(/revision went backwards in real time: #0 p1 write "a5" \(rev 5\).* on key "a" completed at revision 5 before .* on key "b" was invoked, which was served at revision 4/);
  });

  it('rejects a write committing at or below a revision already observed', () => {
    expect(checkRevisionOrder([r('a', 5, 0, 10), w('b', 5, 11, 12)]).valid).toBe(false);
    expect(checkRevisionOrder([r('a', 5, 0, 10), w('b', 6, 11, 12)]).valid).toBe(true);
  });

  it('rejects two acknowledged writes at one revision', () => {
    const res = checkRevisionOrder([w('a', 5, 0, 10), w('b', 5, 0, 10)]);
    expect(res.errors[0]).toMatch(/two acknowledged writes at revision 5/);
  });
});
