// Short chaos runs (3 nodes, fixed seeds, mixed nemeses): every checker must
// pass. A failure leaves the history, verdicts and node logs in the out dir
// named in the assertion message; `npm run chaos -- --seed N --nemesis ...`
// replays the same schedule.
import { describe, expect, it } from 'vitest';
import { ciRun, cleanup, failures, skipChaos } from './ci-support.js';

const RUNS = [
  { seed: 1101, nemesis: 'kill,partition' },
  { seed: 2202, nemesis: 'pause,membership,slow-disk' },
  { seed: 3303, nemesis: 'all' },
] as const;

describe.skipIf(skipChaos)('chaos runs: every checker passes', () => {
  for (const r of RUNS) {
    it(`seed ${r.seed}: ${r.nemesis}`, async () => {
      const res = await ciRun(`chaos ${r.seed}`, { timeSec: 12, nemesis: r.nemesis, nodes: 3, seed: r.seed, recoverMs: 2000 });
      expect(failures(res), `history, verdicts and logs: ${res.outDir}`).toEqual([]);
      expect(res.stats.episodes).toBeGreaterThan(0);
      expect(res.stats.okOps).toBeGreaterThan(500);
      cleanup(res);
    }, 150_000);
  }
});
