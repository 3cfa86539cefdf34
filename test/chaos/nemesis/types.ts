// A nemesis applies one fault and returns how to undo it. Every random
// choice comes from the episode's Rng (drawn before anything that depends on
// the cluster's state where possible), so a seed replays the same schedule.
import type { ChaosCluster, ChaosNode } from '../chaos-cluster.js';
import type { Rng } from '../rng.js';

export const NEMESIS_KINDS = ['kill', 'pause', 'partition', 'membership', 'slow-disk'] as const;
export type NemesisKind = (typeof NEMESIS_KINDS)[number];

export interface NemesisContext {
  cluster: ChaosCluster;
  rng: Rng;
  /** Forces one variant (e.g. kill:all); otherwise the Rng picks. */
  variant?: string;
}

export interface Fault {
  /** What was done, for the nemesis log. */
  description: string;
  heal(): Promise<void>;
}

export interface Nemesis {
  kind: NemesisKind;
  variants: readonly string[];
  start(ctx: NemesisContext): Promise<Fault>;
}

/** A nemesis, optionally pinned to one of its variants. */
export interface NemesisChoice {
  nemesis: Nemesis;
  variant?: string;
}

/**
 * The variant drawn from the weights, unless one is forced. The draw happens
 * either way so that the rest of the episode's choices stay the same.
 */
export function chooseVariant<V extends string>(ctx: NemesisContext, weights: readonly (readonly [V, number])[]): V {
  const drawn = ctx.rng.weighted(weights);
  if (ctx.variant === undefined) return drawn;
  const forced = weights.find(([v]) => v === ctx.variant);
  if (forced === undefined) throw new Error(`unknown variant "${ctx.variant}" (known: ${weights.map(([v]) => v).join(', ')})`);
  return forced[0];
}

/** The leader, or (no leader right now) any member that is up. */
export async function leaderOrAny(ctx: NemesisContext): Promise<ChaosNode> {
  return (await ctx.cluster.leader()) ?? pickUp(ctx);
}

export function pickUp(ctx: NemesisContext, except: readonly ChaosNode[] = []): ChaosNode {
  const up = ctx.cluster.nodes.filter((n) => n.up && !except.includes(n));
  if (up.length === 0) throw new Error('no member is up');
  return ctx.rng.pick(up);
}

export const NO_FAULT: Fault = { description: 'nothing', heal: async () => undefined };
