import { defineConfig } from 'vitest/config';

// Two groups, one after the other. Most files wait on processes (elections, etcdctl, restarts)
// more than they compute, so two run at a time on CI's 2 cores. The files that load a cluster
// until it is busy, or whose assertions count what a run got done (chaos, heavy operations, fuzz,
// Patroni's failover, the browser), then run alone, each with the machine to itself.
const ALONE = [
  'test/chaos/**/*.test.ts',
  'test/cluster/heavy-ops.test.ts',
  'test/cluster/patroni.test.ts',
  'test/fuzz/**/*.test.ts',
  'test/browser/**/*.test.ts',
];
const ALL = ['src/**/*.test.ts', 'test/**/*.test.ts'];
const NEVER = ['node_modules/**', 'dist/**', 'dist-dev/**'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'shared', include: ALL, exclude: [...NEVER, ...ALONE], maxWorkers: 2, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'alone', include: ALONE, exclude: NEVER, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
