// Deterministic Raft cluster simulator (src/raft/sim).
//   npm run sim -- --seed N            replay one seed (with an event trace on failure)
//   npm run sim -- --runs 100000       soak: seeds start-seed .. start-seed+runs-1
//   options: --nodes 3|5 (default: alternate), --start-seed S, --unsafe (test-only bug)
import { describeFailure, nodesForSeed, runSimulation, type SimResult } from '../src/raft/sim/simulation.js';

interface Args {
  seed?: number;
  runs: number;
  startSeed: number;
  nodes?: 3 | 5;
  unsafe: boolean;
  quiet: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { runs: 1000, startSeed: 1, unsafe: false, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${k} needs a value`);
      return x;
    };
    switch (k) {
      case '--seed':
        a.seed = Number(v());
        break;
      case '--runs':
        a.runs = Number(v());
        break;
      case '--start-seed':
        a.startSeed = Number(v());
        break;
      case '--nodes': {
        const n = Number(v());
        if (n !== 3 && n !== 5) throw new Error('--nodes must be 3 or 5');
        a.nodes = n;
        break;
      }
      case '--unsafe':
        a.unsafe = true;
        break;
      case '--quiet':
        a.quiet = true;
        break;
      default:
        throw new Error(`unknown argument ${k}`);
    }
  }
  return a;
}

function describe(r: SimResult): string {
  return describeFailure(r);
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  if (args.seed !== undefined) {
    const nodes = nodesForSeed(args.seed, args.nodes);
    const r = runSimulation({ seed: args.seed, nodes, trace: true, unsafeCommitOldTerms: args.unsafe });
    if (!r.ok) {
      for (const line of r.trace ?? []) console.log(line);
      console.log(describe(r));
      process.exitCode = 1;
    } else {
      console.log(`seed ${args.seed} (${nodes} nodes) ok ${JSON.stringify(r.stats)}`);
    }
    return;
  }
  const t0 = Date.now();
  let failures = 0;
  const totals = { applied: 0, crashes: 0, snapshotsSent: 0, confChanges: 0, readsChecked: 0, leaders: 0 };
  let maxLiveness = 0;
  let maxElection = 0;
  for (let i = 0; i < args.runs; i++) {
    const seed = args.startSeed + i;
    const r = runSimulation({ seed, nodes: nodesForSeed(seed, args.nodes), unsafeCommitOldTerms: args.unsafe });
    for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += r.stats[k];
    maxLiveness = Math.max(maxLiveness, r.stats.livenessTicks);
    maxElection = Math.max(maxElection, r.stats.electionTicks);
    if (!r.ok) {
      failures++;
      console.log(describe(r));
    }
    if (!args.quiet && (i + 1) % 1000 === 0) {
      console.log(`${i + 1}/${args.runs} seeds done, ${failures} failures, ${((Date.now() - t0) / 1000).toFixed(0)}s`);
    }
  }
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(
    `done: ${args.runs} seeds from ${args.startSeed}, ${failures} failures, ${secs}s; ` +
      `totals ${JSON.stringify(totals)}; after healing, max ticks to a leader ${maxElection}, ` +
      `to a committed write ${maxLiveness}`,
  );
  if (failures > 0) process.exitCode = 1;
}

main();
