// Command line of `npm run cluster` (cluster/launch.ts).
import { MAX_NODES } from './ports.js';

export interface LaunchArgs {
  nodes: number;
  baseDir: string;
  fresh: boolean;
  tls: boolean;
  help: boolean;
}

export const USAGE = `usage: npm run cluster -- [--nodes N] [--base-dir DIR] [--fresh] [--tls]

Starts a raftkv cluster of N nodes (default 3, at most ${MAX_NODES}) on 127.0.0.1:
n1/n2/n3 serve clients on 2379/22379/32379 and peers on 2380/22380/32380.
  --nodes N       cluster size, 1..${MAX_NODES} (changing it needs --fresh)
  --base-dir DIR  data dirs are DIR/<name> (default ./cluster-data)
  --fresh         wipe the nodes' data dirs first
  --tls           https on client and peer ports with certificate auth on both: a CA, member
                  and client certificates are made in DIR/pki (kept across runs)
Ctrl-C stops every node (SIGTERM, SIGKILL after 5 s).`;

export function parseLaunchArgs(argv: readonly string[]): LaunchArgs {
  const out: LaunchArgs = { nodes: 3, baseDir: 'cluster-data', fresh: false, tls: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0 && arg.startsWith('--')) return arg.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--nodes': {
        const raw = value();
        const n = Number(raw);
        if (!/^\d+$/.test(raw) || n < 1 || n > MAX_NODES) throw new Error(`--nodes must be 1..${MAX_NODES}, got "${raw}"`);
        out.nodes = n;
        break;
      }
      case '--base-dir': {
        const v = value();
        if (v === '') throw new Error('--base-dir must not be empty');
        out.baseDir = v;
        break;
      }
      case '--fresh':
        if (eq > 0) throw new Error('--fresh takes no value');
        out.fresh = true;
        break;
      case '--tls':
        if (eq > 0) throw new Error('--tls takes no value');
        out.tls = true;
        break;
      case '-h':
      case '--help':
        out.help = true;
        break;
      default:
        throw new Error(`unknown argument "${arg}"`);
    }
  }
  return out;
}
