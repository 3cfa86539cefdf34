// kill -9 of the leader, a random member, or every member at once (what an
// acknowledged-but-not-persisted write cannot survive); restarted at heal.
import type { ChaosNode } from '../chaos-cluster.js';
import { chooseVariant, leaderOrAny, pickUp, type Fault, type Nemesis } from './types.js';

const WEIGHTS = [['leader', 45], ['random', 40], ['all', 15]] as const;

export const killNemesis: Nemesis = {
  kind: 'kill',
  variants: WEIGHTS.map(([v]) => v),
  async start(ctx) {
    const variant = chooseVariant(ctx, WEIGHTS);
    let victims: ChaosNode[];
    if (variant === 'all') victims = ctx.cluster.nodes.filter((n) => n.running && !n.removed);
    else victims = [variant === 'leader' ? await leaderOrAny(ctx) : pickUp(ctx)];
    await Promise.all(victims.map((n) => ctx.cluster.kill(n, 'SIGKILL')));
    const fault: Fault = {
      description: `kill -9 ${variant}: ${victims.map((n) => n.name).join(',')}`,
      heal: async () => {
        await Promise.all(victims.filter((n) => !n.removed).map((n) => ctx.cluster.startNode(n)));
      },
    };
    return fault;
  },
};
