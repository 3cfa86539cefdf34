// SIGSTOP of the leader or a random member (longer than an election timeout:
// the schedule's shortest fault is 2 s), SIGCONT at heal. A paused leader
// still believes it leads when it wakes up.
import { chooseVariant, leaderOrAny, pickUp, type Nemesis } from './types.js';

const WEIGHTS = [['leader', 55], ['random', 45]] as const;

export const pauseNemesis: Nemesis = {
  kind: 'pause',
  variants: WEIGHTS.map(([v]) => v),
  async start(ctx) {
    const variant = chooseVariant(ctx, WEIGHTS);
    const n = variant === 'leader' ? await leaderOrAny(ctx) : pickUp(ctx);
    ctx.cluster.pause(n);
    return {
      description: `SIGSTOP ${variant}: ${n.name}`,
      heal: async () => ctx.cluster.resume(n),
    };
  },
};
