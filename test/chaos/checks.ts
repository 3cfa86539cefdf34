// Runs every checker (checkers/index.ts) over a history and condenses each
// result into a verdict line.
import { checkHistory, type CheckAllResults, type CheckResult, type Validity } from './checkers/index.js';
import type { ChaosHistory } from './history.js';

export interface Verdict {
  checker: string;
  valid: Validity;
  summary: string;
  errors: string[];
  warnings?: string[];
}

const NAMES: Record<keyof CheckAllResults, string> = {
  linearizability: 'linearizability',
  revisionOrder: 'revision-order',
  watch: 'watch',
  locks: 'locks',
  leases: 'leases',
  durability: 'durability',
};

function summarize(stats: unknown): string {
  if (typeof stats !== 'object' || stats === null) return String(stats);
  return Object.entries(stats)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'string')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}

export function runCheckers(h: ChaosHistory): Verdict[] {
  const { results } = checkHistory(h);
  const out: Verdict[] = [];
  for (const [key, name] of Object.entries(NAMES) as [keyof CheckAllResults, string][]) {
    const r = results[key] as CheckResult<unknown, Validity> | undefined;
    if (r === undefined) continue;
    out.push({ checker: name, valid: r.valid, summary: summarize(r.stats), errors: r.errors, ...(r.warnings.length > 0 ? { warnings: r.warnings } : {}) });
  }
  return out;
}
