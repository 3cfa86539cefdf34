import { describe, expect, it } from 'vitest';
import { describeFailure, nodesForSeed, runSimulation } from './simulation.js';

// 2,000 randomized schedules (seeds 1..2000, alternating 3 and 5 nodes).
// A failure names its seed; `npm run sim -- --seed N` replays it with a trace.
const SEEDS = 2000;
const CHUNK = 250;

describe('cluster simulator', () => {
  for (let start = 1; start <= SEEDS; start += CHUNK) {
    const end = Math.min(SEEDS, start + CHUNK - 1);
    it(`seeds ${start}..${end} keep every safety invariant and recover after healing`, () => {
      const failures: string[] = [];
      for (let seed = start; seed <= end; seed++) {
        const r = runSimulation({ seed, nodes: nodesForSeed(seed) });
        if (!r.ok) failures.push(describeFailure(r));
      }
      expect(failures, failures.join('\n')).toEqual([]);
    });
  }

  it('is deterministic: one seed, one run', () => {
    const a = runSimulation({ seed: 42, nodes: 5 });
    const b = runSimulation({ seed: 42, nodes: 5 });
    expect(a).toEqual(b);
    expect(a.stats.applied).toBeGreaterThan(0);
  });

  it('exercises the faults it claims to', () => {
    const totals = { crashes: 0, snapshotsSent: 0, confChanges: 0, readsChecked: 0, partitions: 0, transfers: 0 };
    for (let seed = 1; seed <= 100; seed++) {
      const r = runSimulation({ seed, nodes: nodesForSeed(seed) });
      for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += r.stats[k];
    }
    for (const v of Object.values(totals)) expect(v).toBeGreaterThan(10);
  });
});
