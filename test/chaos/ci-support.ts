// Helpers shared by the CI chaos tests: a run with a console prefix, the
// verdicts that failed, and cleanup of a run's output and data.
import { rmSync } from 'node:fs';
import { runChaos, type ChaosOptions, type ChaosResult } from './runner.js';
import { testTarget } from '../support/env.js';

/** The injected bugs and proxies are raftkv's test hooks: nothing to run against real etcd. */
export const skipChaos = testTarget() !== 'raftkv';

export async function ciRun(name: string, opts: Omit<ChaosOptions, 'log'>): Promise<ChaosResult> {
  const t0 = Date.now();
  const res = await runChaos({ ...opts, log: (line) => (line.includes('nemesis') || line.includes('ERROR') ? console.log(`[${name}] ${line}`) : undefined) });
  const s = res.stats;
  console.log(
    `[${name}] seed ${opts.seed}, ${opts.nemesis}: ${s.ops} ops (${s.infoOps} indeterminate), ${s.watchEvents} watch events, ` +
      `${s.lockSections} lock sections, ${s.leases} leases, ${s.episodes} episodes; ${((Date.now() - t0) / 1000).toFixed(1)} s; ` +
      res.verdicts.map((v) => `${v.checker}=${String(v.valid)}`).join(' '),
  );
  return res;
}

/** "checker: summary + first errors" for every verdict that is not valid. */
export function failures(res: ChaosResult): string[] {
  return res.verdicts.filter((v) => v.valid !== true).map((v) => `${v.checker} (${String(v.valid)}): ${v.summary}\n  ${v.errors.slice(0, 5).join('\n  ')}`);
}

export function cleanup(res: ChaosResult): void {
  rmSync(res.outDir, { recursive: true, force: true });
  if (res.keptDataDir !== undefined) rmSync(res.keptDataDir, { recursive: true, force: true });
}
