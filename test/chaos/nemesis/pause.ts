// SIGSTOP of the leader or a random member (longer than an election timeout:
// the schedule's shortest fault is 2 s), SIGCONT at heal. A paused leader
// still believes it leads when it wakes up.
import { leaderOrAny, pickUp, type Nemesis } from './types.js';

export const pauseNemesis: Nemesis = {
  kind: 'pause',
  async start(ctx) {
    const variant = ctx.rng.weighted([['leader', 55], ['random', 45]] as const);
    const n = variant === 'leader' ? await leaderOrAny(ctx) : pickUp(ctx);
    ctx.cluster.pause(n);
    return {
      description: `SIGSTOP ${variant}: ${n.name}`,
      heal: async () => ctx.cluster.resume(n),
    };
  },
};
