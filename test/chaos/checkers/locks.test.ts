import { describe, expect, it } from 'vitest';
import type { GuardedWrite, LockSection, Outcome } from '../history.js';
import { checkLocks } from './locks.js';

const gw = (rev: number | undefined, outcome: Outcome = 'ok'): GuardedWrite => ({
  key: 'guarded/L',
  value: `v${rev}`,
  invokeMs: 0,
  completeMs: 1,
  outcome,
  ...(rev !== undefined ? { revision: String(rev) } : {}),
});
const section = (holder: string, fencing: number, acquire: number | undefined, release: number | undefined, writes: GuardedWrite[], times: [number, number?] = [0, 1]): LockSection => ({
  holder,
  lock: 'L',
  lockKey: `lock/L/${holder}`,
  fencingRevision: String(fencing),
  acquireMs: times[0],
  ...(times[1] !== undefined ? { releaseMs: times[1] } : {}),
  ...(acquire !== undefined ? { acquireRevision: String(acquire) } : {}),
  ...(release !== undefined ? { releaseRevision: String(release) } : {}),
  writes,
});

describe('lock checker', () => {
  it('accepts sections that follow one another', () => {
    const res = checkLocks([section('a', 10, 11, 15, [gw(12), gw(14)]), section('b', 13, 15, 20, [gw(17)], [2, 3]), section('c', 21, 21, undefined, [gw(22)], [4])]);
    expect(res.errors).toEqual([]);
    expect(res.valid).toBe(true);
    expect(res.stats).toMatchObject({ locks: 1, sections: 3, sectionsWithWrites: 3, okWrites: 4 });
  });

  it('accepts a stale holder fenced out while another holds the lock, overlapping in time', () => {
    const res = checkLocks([section('a', 10, 11, undefined, [gw(12), gw(30, 'fail'), gw(undefined, 'info')], [0]), section('b', 13, 20, 40, [gw(25)], [5, 50])]);
    expect(res.valid).toBe(true);
    expect(res.stats).toMatchObject({ fencedWrites: 1, infoWrites: 1, wallClockOverlaps: 1 });
  });

  it('rejects interleaved guarded writes of two holders', () => {
    const res = checkLocks([section('a', 10, undefined, undefined, [gw(12), gw(16)]), section('b', 13, undefined, undefined, [gw(14)])]);
    expect(res.valid).toBe(false);
    expect(res.errors[0]).toMatch(/holder b \(fencing revision 13.*wrote at revision 14, before lock "L": holder a \(fencing revision 10.*wrote at revision 16: guarded writes of two holders interleave/);
  });

  it('rejects a later holder in the queue writing entirely before an earlier one', () => {
    const res = checkLocks([section('a', 10, undefined, undefined, [gw(30)]), section('b', 13, undefined, undefined, [gw(20)])]);
    expect(res.errors.join('\n')).toMatch(/interleave/);
  });

  it('rejects writes outside the tenure', () => {
    expect(checkLocks([section('a', 10, undefined, undefined, [gw(9)])]).errors.join('\n')).toMatch(/committed before the lock key was created at 10/);
    expect(checkLocks([section('a', 10, 12, undefined, [gw(12)])]).errors.join('\n')).toMatch(/at or before the acquisition, seen at revision 12/);
    expect(checkLocks([section('a', 10, 11, 15, [gw(16)])]).errors.join('\n')).toMatch(/after the lock key was deleted at 15/);
  });

  it('rejects overlapping tenures even without interleaved writes', () => {
    const res = checkLocks([section('a', 10, 11, 20, [gw(12)]), section('b', 13, 18, 30, [gw(25)])]);
    expect(res.valid).toBe(false);
    expect(res.errors[0]).toMatch(/holder b .* held the lock from revision 18 \(acquisition\), while .*holder a .* held it until 20 \(unlock\): their tenures overlap/);
  });

  it('rejects two acknowledged writes at one revision', () => {
    expect(checkLocks([section('a', 10, undefined, 15, [gw(12), gw(12)])]).errors.join('\n')).toMatch(/shares its revision/);
  });

  it('judges each lock on its own', () => {
    const other = { ...section('b', 13, undefined, undefined, [gw(14)]), lock: 'M' };
    expect(checkLocks([section('a', 10, undefined, undefined, [gw(12), gw(16)]), other]).valid).toBe(true);
  });
});
