// Network faults through the per-link proxies: majority/minority, an isolated
// leader, a bridge (two halves that only a middle node sees), asymmetric
// (the leader cannot send, or cannot hear; or random one-way links), and a
// degraded network (delay and connection loss everywhere). Blocked links
// stall (drop) or refuse (reset).
import type { ChaosNode } from '../chaos-cluster.js';
import { ProxyMesh, type Link } from '../proxy-mesh.js';
import { chooseVariant, leaderOrAny, type Nemesis } from './types.js';

type Variant = 'majority-minority' | 'isolate-leader' | 'bridge' | 'leader-cannot-send' | 'leader-cannot-hear' | 'random-one-way' | 'degraded';

const WEIGHTS: readonly (readonly [Variant, number])[] = [
  ['majority-minority', 20],
  ['isolate-leader', 20],
  ['bridge', 15],
  ['leader-cannot-send', 10],
  ['leader-cannot-hear', 10],
  ['random-one-way', 10],
  ['degraded', 15],
];

export const partitionNemesis: Nemesis = {
  kind: 'partition',
  variants: WEIGHTS.map(([v]) => v),
  async start(ctx) {
    const { rng, cluster } = ctx;
    const variant = chooseVariant(ctx, WEIGHTS);
    const mode = rng.chance(0.7) ? 'drop' : 'reset';
    const names = rng.shuffle(cluster.nodes.map((n) => n.name));
    const mesh = cluster.proxies;
    const all = cluster.nodes.map((n) => n.name);
    const others = (n: ChaosNode): string[] => all.filter((x) => x !== n.name);
    let links: Link[] = [];
    let what: string;
    switch (variant) {
      case 'majority-minority': {
        const minority = names.slice(0, Math.floor((names.length - 1) / 2));
        links = ProxyMesh.between(minority, names.slice(minority.length));
        what = `minority [${minority.join(',')}] | majority [${names.slice(minority.length).join(',')}]`;
        break;
      }
      case 'isolate-leader': {
        const l = await leaderOrAny(ctx);
        links = ProxyMesh.between([l.name], others(l));
        what = `leader ${l.name} isolated`;
        break;
      }
      case 'bridge': {
        const half = Math.floor((names.length - 1) / 2);
        const a = names.slice(0, half);
        const bridge = names[half] as string;
        const b = names.slice(half + 1);
        links = ProxyMesh.between(a, b);
        what = `bridge: [${a.join(',')}] - ${bridge} - [${b.join(',')}]`;
        break;
      }
      case 'leader-cannot-send': {
        const l = await leaderOrAny(ctx);
        links = others(l).map((o) => [l.name, o] as const);
        what = `leader ${l.name} cannot send`;
        break;
      }
      case 'leader-cannot-hear': {
        const l = await leaderOrAny(ctx);
        links = others(l).map((o) => [o, l.name] as const);
        what = `leader ${l.name} cannot hear`;
        break;
      }
      case 'random-one-way': {
        for (const a of all) for (const b of all) if (a !== b && rng.chance(0.35)) links.push([a, b]);
        what = `one-way: ${links.map(([a, b]) => `${a}->${b}`).join(' ') || '(none)'}`;
        break;
      }
      case 'degraded': {
        const delayMs = rng.pick([10, 30, 80, 200]);
        const loss = rng.pick([0.002, 0.01, 0.03]);
        const every: Link[] = [];
        for (const a of all) for (const b of all) if (a !== b) every.push([a, b]);
        mesh.set(every, { delayMs, loss });
        return {
          description: `partition ${variant}: ${delayMs} ms delay, ${loss} connection loss per chunk on every link`,
          heal: async () => mesh.healAll(),
        };
      }
    }
    mesh.set(links, { mode });
    return {
      description: `partition ${variant} (${mode}): ${what}`,
      heal: async () => mesh.set(links, { mode: 'pass' }),
    };
  },
};
