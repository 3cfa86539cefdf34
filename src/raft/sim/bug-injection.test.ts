import { describe, expect, it } from 'vitest';
import { nodesForSeed, runSimulation } from './simulation.js';

// With the test-only switch `unsafeCommitOldTerms`, leaders commit entries of
// earlier terms by counting replicas (the figure-8 mistake of §5.4.2). The
// simulator must catch the resulting loss of a committed entry.
const BUDGET = 2000;

describe('bug injection', () => {
  it(`the simulator finds the figure-8 violation within ${BUDGET} seeds`, () => {
    let found: { seed: number; failure: string } | undefined;
    for (let seed = 1; seed <= BUDGET && !found; seed++) {
      const r = runSimulation({ seed, nodes: nodesForSeed(seed), unsafeCommitOldTerms: true });
      if (!r.ok) found = { seed, failure: `${r.kind}: ${r.failure}` };
    }
    expect(found, 'no violation found with unsafeCommitOldTerms on').toBeDefined();
    expect(found?.failure).toMatch(/safety/);
    console.log(`unsafeCommitOldTerms caught at seed ${found?.seed}: ${found?.failure}`);
  });

  it('the same seeds are clean with the switch off', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const r = runSimulation({ seed, nodes: nodesForSeed(seed) });
      expect(r.ok, r.failure).toBe(true);
    }
  });
});
