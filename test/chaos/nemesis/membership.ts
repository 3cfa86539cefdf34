// Member remove and re-add under load: a follower is removed (MemberRemove;
// it stops by itself once it learns), its data dir wiped; at heal it is added
// back (MemberAdd) and started empty with --initial-cluster-state existing,
// catching up from the leader (log or snapshot).
import type { Nemesis } from './types.js';
import { pickUp } from './types.js';

export const membershipNemesis: Nemesis = {
  kind: 'membership',
  variants: ['follower'],
  async start(ctx) {
    // One change at a time: never shrink a cluster that has not got its last member back.
    const changed = ctx.cluster.nodes.filter((n) => n.removed || n.removalPending);
    if (changed.length > 0) throw new Error(`membership of ${changed.map((n) => n.name).join(',')} not restored yet`);
    const leader = await ctx.cluster.leader();
    const n = pickUp(ctx, leader !== undefined ? [leader] : []);
    await ctx.cluster.removeMember(n);
    return {
      description: `member remove + wipe: ${n.name}`,
      heal: async () => {
        if (n.removed) await ctx.cluster.addMember(n);
      },
    };
  },
};
