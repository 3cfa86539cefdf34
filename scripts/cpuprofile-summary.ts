// Summarises V8 CPU profiles (node --cpu-prof): for each file, the share of samples spent idle, in
// GC, and in each source area (our src/ folders, node_modules packages, Node internals), plus the
// top functions by self time.  Usage: node dist-dev/scripts/cpuprofile-summary.js FILE... [--top N]
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function area(f: CallFrame): string {
  if (f.functionName === '(idle)') return '(idle)';
  if (f.functionName === '(garbage collector)') return '(gc)';
  if (f.functionName === '(program)') return '(program: native, outside JS)';
  const u = f.url;
  if (u === '') return '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
  if (nm !== null) return `pkg ${nm[1]}`;
  const src = /\/dist(?:-dev)?\/src\/([^/]+)\//.exec(u);
  if (src !== null) return `src/${src[1]}`;
  if (u.startsWith('node:')) return `node:${u.slice(5).split('/')[0]}`;
  return path.basename(u);
}

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 15;
const files = args.filter((a, i) => !a.startsWith('--') && (topAt < 0 || i !== topAt + 1));
for (const file of files) {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    const f = byId.get(id)?.callFrame;
    if (f === undefined) return;
    total += dt;
    const a = area(f);
    areas.set(a, (areas.get(a) ?? 0) + dt);
    if (!a.startsWith('(')) {
      const name = `${f.functionName || '(anonymous)'} ${path.basename(f.url)}:${f.lineNumber + 1}`;
      fns.set(name, (fns.get(name) ?? 0) + dt);
    }
  });
  const pct = (x: number): string => `${((100 * x) / total).toFixed(1)}%`;
  console.log(`\n${file}: ${(total / 1e6).toFixed(1)} s sampled`);
  for (const [a, t] of [...areas].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`  ${pct(t).padStart(6)}  ${a}`);
  console.log('  top functions (self):');
  for (const [n, t] of [...fns].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`  ${pct(t).padStart(6)}  ${n}`);
}
