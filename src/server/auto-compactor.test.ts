import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { autoCompactor, type AutoCompactorDeps } from './auto-compactor.js';
import { fail, ok } from './errors.js';

// A store whose revision grows by one per second of (fake) time; compactions are recorded.
function fakeMember(opts: { leader?: () => boolean } = {}) {
  const start = Date.now();
  const compactions: number[] = [];
  let compacted = 0;
  const deps: AutoCompactorDeps = {
    revision: () => 1 + Math.floor((Date.now() - start) / 1000),
    compact: (rev) => {
      if (rev <= compacted) return Promise.resolve(fail({ kind: 'compacted' }));
      compacted = rev;
      compactions.push(rev);
      return Promise.resolve(ok(null));
    },
    isLeader: opts.leader ?? (() => true),
    logger: pino({ level: 'silent' }),
  };
  return { deps, compactions };
}

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('auto compaction (etcd 3.4 compactor semantics)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is off for retention 0', () => {
    expect(autoCompactor({ mode: 'off' }, fakeMember().deps)).toBeUndefined();
  });

  it('periodic 10m: first compaction after 10 minutes at the revision of 10 minutes ago, then every 10 minutes', async () => {
    const m = fakeMember();
    const c = autoCompactor({ mode: 'periodic', retentionMs: 10 * MIN }, m.deps)!;
    c.run();
    await vi.advanceTimersByTimeAsync(9 * MIN);
    expect(m.compactions).toEqual([]);
    await vi.advanceTimersByTimeAsync(1 * MIN);
    // Sampled every minute (period/10); the oldest of the 11 kept is from t=0 (revision 1).
    expect(m.compactions).toEqual([1]);
    await vi.advanceTimersByTimeAsync(10 * MIN);
    // At t=20m: etcd keeps period/interval + 1 = 11 samples, all taken before the check, so the
    // oldest is from t=9m (revision 541): one period and one sampling interval ago.
    expect(m.compactions).toEqual([1, 541]);
    c.stop();
  });

  it('periodic 5h: samples every 6 minutes, first compaction after 5 hours, then hourly, keeping 5 hours of history', async () => {
    const m = fakeMember();
    const c = autoCompactor({ mode: 'periodic', retentionMs: 5 * HOUR }, m.deps)!;
    c.run();
    await vi.advanceTimersByTimeAsync(5 * HOUR - 6 * MIN);
    expect(m.compactions).toEqual([]);
    await vi.advanceTimersByTimeAsync(6 * MIN);
    expect(m.compactions).toEqual([1]);
    await vi.advanceTimersByTimeAsync(HOUR);
    // 6 h after the start: the oldest of 51 samples 6 minutes apart, from t=54m.
    expect(m.compactions).toEqual([1, 1 + 54 * 60]);
    c.stop();
  });

  it('periodic: a follower does not compact; once leader it compacts at once if overdue', async () => {
    let leader = false;
    const m = fakeMember({ leader: () => leader });
    const c = autoCompactor({ mode: 'periodic', retentionMs: 10 * MIN }, m.deps)!;
    c.run();
    await vi.advanceTimersByTimeAsync(30 * MIN);
    expect(m.compactions).toEqual([]);
    leader = true;
    await vi.advanceTimersByTimeAsync(MIN);
    // At t=31m, the oldest sample kept is from t=20m.
    expect(m.compactions).toEqual([1 + 20 * 60]);
    c.stop();
  });

  it('revision 100: every 5 minutes compacts at current - 100, and not twice at the same revision', async () => {
    let frozen: number | undefined;
    const m = fakeMember();
    const base = m.deps.revision;
    m.deps.revision = () => frozen ?? base();
    const c = autoCompactor({ mode: 'revision', retention: 100 }, m.deps)!;
    c.run();
    await vi.advanceTimersByTimeAsync(5 * MIN - 1000);
    expect(m.compactions).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(m.compactions).toEqual([301 - 100]);
    frozen = 301;
    await vi.advanceTimersByTimeAsync(5 * MIN);
    expect(m.compactions).toEqual([201]);
    frozen = undefined;
    await vi.advanceTimersByTimeAsync(5 * MIN);
    expect(m.compactions).toEqual([201, 901 - 100]);
    c.stop();
  });

  it('revision: nothing while the store holds no more than the retention', async () => {
    const m = fakeMember();
    m.deps.revision = () => 50;
    const c = autoCompactor({ mode: 'revision', retention: 100 }, m.deps)!;
    c.run();
    await vi.advanceTimersByTimeAsync(20 * MIN);
    expect(m.compactions).toEqual([]);
    c.stop();
  });
});
