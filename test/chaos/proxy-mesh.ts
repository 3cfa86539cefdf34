// One LinkProxy per directed pair of nodes. Node A's --test-peer-dial-map
// sends its traffic for B through the proxy A→B, so a partition is a set of
// directed links put in drop or reset mode, and an asymmetric one is simply
// A→B blocked while B→A passes.
import { LinkProxy, PASS, type LinkState } from './proxy.js';
import type { Rng } from './rng.js';

export interface MeshNode {
  name: string;
  /** The advertised peer URL other members dial (http://127.0.0.1:PORT). */
  peerUrl: string;
  peerPort: number;
}

export type Link = readonly [from: string, to: string];

export class ProxyMesh {
  private readonly links = new Map<string, LinkProxy>();

  private constructor(
    private readonly nodes: readonly MeshNode[],
    private readonly host: string,
  ) {}

  static async create(nodes: readonly MeshNode[], rng: Rng, host = '127.0.0.1'): Promise<ProxyMesh> {
    const mesh = new ProxyMesh(nodes, host);
    const lossRng = rng.fork('proxy-loss');
    try {
      for (const a of nodes) {
        for (const b of nodes) {
          if (a === b) continue;
          const p = new LinkProxy(`${a.name}->${b.name}`, { host, port: b.peerPort }, () => lossRng.next());
          mesh.links.set(key(a.name, b.name), p);
          await p.listen(host);
        }
      }
    } catch (e) {
      await mesh.close();
      throw e;
    }
    return mesh;
  }

  link(from: string, to: string): LinkProxy {
    const p = this.links.get(key(from, to));
    if (p === undefined) throw new Error(`no link ${from}->${to}`);
    return p;
  }

  /** The --test-peer-dial-map value for `from`: every other node's peer URL -> its proxy. */
  dialMap(from: string): string {
    return this.nodes
      .filter((b) => b.name !== from)
      .map((b) => `${b.peerUrl}=http://${this.host}:${this.link(from, b.name).port}`)
      .join(',');
  }

  set(links: readonly Link[], state: Partial<LinkState>): void {
    for (const [a, b] of links) this.link(a, b).set(state);
  }

  /** Every link between the two groups, both directions. */
  static between(groupA: readonly string[], groupB: readonly string[]): Link[] {
    const out: Link[] = [];
    for (const a of groupA) for (const b of groupB) if (a !== b) out.push([a, b], [b, a]);
    return out;
  }

  healAll(): void {
    for (const p of this.links.values()) p.set(PASS);
  }

  /** Links not in plain pass mode, for the nemesis log. */
  impaired(): string[] {
    const out: string[] = [];
    for (const p of this.links.values()) {
      const s = p.state;
      if (s.mode !== 'pass' || s.delayMs > 0 || s.loss > 0) out.push(`${p.name}:${s.mode}${s.delayMs ? `+${s.delayMs}ms` : ''}${s.loss ? `~${s.loss}` : ''}`);
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all([...this.links.values()].map((p) => p.close()));
  }
}

function key(from: string, to: string): string {
  return `${from}->${to}`;
}
