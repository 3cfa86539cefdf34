import { defineConfig } from 'vitest/config';

// The compose test only (`npm run test:compose`): builds images and runs containers, so it is
// kept out of `npm test` (vitest.config.ts) and run after it, by .ci/run. One file, one fork.
export default defineConfig({
  test: {
    include: ['test/compose/**/*.e2e.ts'],
    testTimeout: 180_000,
    hookTimeout: 1_500_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
