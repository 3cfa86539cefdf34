import { describe, expect, it } from 'vitest';
import type { LeaseKeepAlive, LeaseObservation, LeaseRecord } from '../history.js';
import { checkLeases } from './leases.js';

// The cluster is seen working (some quorum call) every 250 ms.
const working = Array.from({ length: 80 }, (_, i) => ({ invokeMs: i * 250, completeMs: i * 250 + 20 }));
const params = { electionTimeoutMs: 1000, slackMs: 500, workingMs: working };
const ka = (invokeMs: number, ttlMs = 3000): LeaseKeepAlive => ({ invokeMs, completeMs: invokeMs + 10, ttlMs });
const seen = (invokeMs: number, present: boolean): LeaseObservation => ({ invokeMs, completeMs: invokeMs + 10, present });
// TTL 3 s, granted at 0, attached by 30, kept alive at 1000 and 2000.
const lease = (observations: LeaseObservation[], x: Partial<LeaseRecord> = {}): LeaseRecord => ({
  leaseId: '7587',
  ttlMs: 3000,
  grant: { invokeMs: 0, completeMs: 10 },
  key: 'lease/0',
  attach: { invokeMs: 20, completeMs: 30 },
  keepAlives: [ka(1000), ka(2000)],
  observations,
  ...x,
});

describe('lease checker', () => {
  it('accepts a key present while kept alive and gone after the deadline', () => {
    // Surely alive until 2000 + 3000 = 5000; surely gone by 2010 + 3000 + 1000 + 500 = 6510.
    const res = checkLeases([lease([seen(5, false), seen(500, true), seen(4900, true), seen(5200, true), seen(6000, false), seen(6600, false)])], params);
    expect(res.errors).toEqual([]);
    expect(res.valid).toBe(true);
    expect(res.stats).toMatchObject({ leases: 1, observations: 6, checkedAlive: 2, checkedGone: 1 });
  });

  it('rejects the key vanishing while the lease is surely alive', () => {
    const res = checkLeases([lease([seen(4500, false)])], params);
    expect(res.valid).toBe(false);
    expect(res.errors[0]).toMatch(/lease 7587 .*a read @4500ms–4510ms found the key absent, but the lease was surely alive until 5000ms/);
  });

  it('rejects the key outliving its deadline', () => {
    const res = checkLeases([lease([seen(6600, true)])], params);
    expect(res.valid).toBe(false);
    expect(res.errors[0]).toMatch(/still found the key, but the lease had to expire by 6510ms/);
  });

  it('waits for the next leader when nothing shows a working cluster after expiry', () => {
    // Quorum lost from 4000 (no call succeeds) until a leader is elected at 9000: its TTL restarts there.
    const p = { ...params, workingMs: working.filter((w) => w.invokeMs < 4000 || w.invokeMs > 9000), leaderChangesMs: [9000] };
    expect(checkLeases([lease([seen(11000, true)])], p).errors).toEqual([]);
    expect(checkLeases([lease([seen(13600, true)])], p).errors[0]).toMatch(/had to expire by 13500ms/);
    // Without a later leader change the deadline is unknown: nothing to check.
    const q = { ...params, workingMs: working.filter((w) => w.invokeMs < 4000) };
    const res = checkLeases([lease([seen(20000, true)])], q);
    expect(res.valid).toBe(true);
    expect(res.stats.deadlineUnknown).toBe(1);
  });

  it('lets a leader change restart the TTL', () => {
    const late = [seen(8000, true)];
    expect(checkLeases([lease(late)], params).valid).toBe(false);
    // Elected at 5500 (before the deadline): gone by 5500 + 3000 + 1500 = 10000.
    expect(checkLeases([lease(late)], { ...params, leaderChangesMs: [5500] }).valid).toBe(true);
    expect(checkLeases([lease([seen(10100, true)])], { ...params, leaderChangesMs: [5500] }).valid).toBe(false);
  });

  it('ends both windows at a revoke', () => {
    const x = { revoke: { invokeMs: 1500, completeMs: 1520 }, keepAlives: [ka(1000)] };
    expect(checkLeases([lease([seen(1400, true), seen(1510, false), seen(1600, false)], x)], params).errors).toEqual([]);
    expect(checkLeases([lease([seen(1600, true)], x)], params).errors[0]).toMatch(/the lease was revoked by 1520ms/);
    expect(checkLeases([lease([], { ...x, keepAlives: [ka(1000), ka(2000)] })], params).errors[0]).toMatch(/keep-alive @2000ms–2010ms renewed the lease, but it was revoked by 1520ms/);
  });

  it('checks keep-alive answers against the deadlines', () => {
    const early = checkLeases([lease([], { keepAlives: [ka(1000), ka(2000, 0)] })], params);
    expect(early.errors[0]).toMatch(/keep-alive @2000ms–2010ms was told the lease is gone, but it was surely alive until 4000ms/);
    const late = checkLeases([lease([], { keepAlives: [ka(1000), ka(6000)] })], params);
    expect(late.errors[0]).toMatch(/keep-alive @6000ms–6010ms renewed the lease, but it had to be gone by 5510ms/);
  });
});
