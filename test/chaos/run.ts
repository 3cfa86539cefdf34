// npm run chaos -- [--time 20] [--nemesis kill,pause,partition,membership,slow-disk|all|none]
//                  [--nodes 3|5] [--seed N] [--bug local-reads|ack-before-persist|watch-reorder] [--out DIR]
// Prints the history file and each checker's verdict; exits 1 on any violation.
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseNemeses } from './nemesis/index.js';
import { runChaos } from './runner.js';

function int(name: string, min: number, max: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer in [${min}, ${max}]`);
    return n;
  };
}

const program = new Command('chaos')
  .description('Jepsen-style fault injection against a local raftkv cluster')
  .addOption(new Option('--time <seconds>', 'how long faults are injected').argParser(int('--time', 1, 86_400)).default(20))
  .addOption(new Option('--nemesis <kinds>', 'kill,pause,partition,membership,slow-disk (each optionally kind:variant, e.g. kill:all) | all | none').default('all'))
  .addOption(new Option('--nodes <n>', 'cluster size').argParser(int('--nodes', 3, 5)).default(3))
  .addOption(new Option('--seed <n>', 'replays the same nemesis schedule and workload choices (default: random)').argParser(int('--seed', 0, 2 ** 32 - 1)))
  .addOption(new Option('--bug <names>', 'start every node with --test-bug <names> (comma list)'))
  .addOption(new Option('--out <dir>', 'where the history, verdicts and (on failure) logs go'))
  .addOption(new Option('--clients <n>', 'register clients').argParser(int('--clients', 1, 200)))
  .addOption(new Option('--keep-data', 'keep the data dirs even when the run passes'))
  .parse();

const o = program.opts<{ time: number; nemesis: string; nodes: number; seed?: number; bug?: string; out?: string; clients?: number; keepData?: boolean }>();
if (o.nodes !== 3 && o.nodes !== 5) program.error('--nodes must be 3 or 5');
try {
  parseNemeses(o.nemesis);
} catch (e) {
  program.error((e as Error).message);
}
const seed = o.seed ?? Math.floor(Math.random() * 2 ** 31);

const res = await runChaos({
  timeSec: o.time,
  nemesis: o.nemesis,
  nodes: o.nodes,
  seed,
  bugs: o.bug !== undefined ? o.bug.split(',').map((s) => s.trim()).filter((s) => s !== '') : [],
  ...(o.out !== undefined ? { outDir: o.out } : {}),
  ...(o.clients !== undefined ? { clients: o.clients } : {}),
  keepData: o.keepData === true,
  // npm run chaos rebuilds first; then nothing may change under a long run.
  snapshotBuild: true,
  log: (line) => console.log(line),
});

const s = res.stats;
console.log(
  `\nseed ${seed}: ${s.ops} ops (${s.okOps} ok, ${s.failOps} fail, ${s.infoOps} indeterminate), ` +
    `${s.watchEvents} watch events in ${s.watchSegments} segments, ${s.lockSections} lock sections, ${s.leases} leases, ` +
    `${s.episodes} nemesis episodes, ${(s.durationMs / 1000).toFixed(1)} s`,
);
console.log(`history: ${res.historyPath}`);
for (const v of res.verdicts) {
  const mark = v.valid === true ? 'PASS' : v.valid === 'unknown' ? 'UNKNOWN' : 'FAIL';
  console.log(`${mark.padEnd(7)} ${v.checker}: ${v.summary}`);
  for (const e of v.errors.slice(0, 10)) console.log(`        ${e}`);
}
if (!res.ok) console.log(`\nVIOLATION: history, verdicts and node logs are in ${res.outDir}`);
process.exit(res.ok ? 0 : 1);
