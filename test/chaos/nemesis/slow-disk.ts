// A slow disk: the leader or a random member restarted with
// --test-fsync-delay-ms (every Raft log fsync blocks that long), restarted
// with a normal disk at heal.
import { chooseVariant, leaderOrAny, pickUp, type Nemesis } from './types.js';

const WEIGHTS = [['leader', 40], ['random', 60]] as const;

export const slowDiskNemesis: Nemesis = {
  kind: 'slow-disk',
  variants: WEIGHTS.map(([v]) => v),
  async start(ctx) {
    const variant = chooseVariant(ctx, WEIGHTS);
    const delayMs = ctx.rng.pick([20, 50, 100, 200]);
    const n = variant === 'leader' ? await leaderOrAny(ctx) : pickUp(ctx);
    await ctx.cluster.restartWithFsyncDelay(n, delayMs);
    return {
      description: `slow disk (${delayMs} ms per fsync) on ${variant}: ${n.name}`,
      heal: async () => {
        if (!n.removed && n.fsyncDelayMs > 0) await ctx.cluster.restartWithFsyncDelay(n, 0);
      },
    };
  },
};
