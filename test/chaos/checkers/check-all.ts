// Every checker over one history, as the runner and check-file.ts use them.
import type { ChaosHistory } from '../history.js';
import type { CheckResult, Validity } from './common.js';
import { checkDurability, type DurabilityStats } from './durability.js';
import { checkLeases, type LeaseParams, type LeaseStats } from './leases.js';
import { checkLinearizability, type LinearizabilityOptions, type LinearizabilityStats } from './linearizability.js';
import { checkLocks, type LockStats } from './locks.js';
import { mutationsOf } from './mutations.js';
import { checkRevisionOrder, type RevisionOrderStats } from './revision-order.js';
import { checkWatches, type WatchStats } from './watch.js';

export interface CheckAllOptions {
  linearizability?: LinearizabilityOptions;
  /** Overrides the history's leaseParams. */
  leaseParams?: LeaseParams;
}

/** One entry per checker that had input in the history. */
export interface CheckAllResults {
  linearizability?: CheckResult<LinearizabilityStats, Validity>;
  revisionOrder?: CheckResult<RevisionOrderStats>;
  watch?: CheckResult<WatchStats>;
  locks?: CheckResult<LockStats>;
  leases?: CheckResult<LeaseStats>;
  durability?: CheckResult<DurabilityStats>;
}

export interface CheckAllResult {
  /** false if any checker says so; else 'unknown' if any gave up; else true. */
  valid: Validity;
  results: CheckAllResults;
}

export function checkHistory(h: ChaosHistory, opts: CheckAllOptions = {}): CheckAllResult {
  const results: CheckAllResults = {};
  const ops = h.ops ?? [];
  if (ops.length > 0) {
    results.linearizability = checkLinearizability(ops, opts.linearizability);
    results.revisionOrder = checkRevisionOrder(ops);
  }
  const mutations = mutationsOf(h);
  if (h.watches && h.watches.length > 0) results.watch = checkWatches(h.watches, { mutations });
  if (h.locks && h.locks.length > 0) results.locks = checkLocks(h.locks);
  if (h.leases && h.leases.length > 0) {
    const params: LeaseParams | undefined = opts.leaseParams ?? h.leaseParams;
    // Acknowledged register ops went through a quorum: evidence of a working cluster.
    const working = ops.filter((o) => o.outcome === 'ok');
    results.leases = params
      ? checkLeases(h.leases, { ...params, workingMs: [...(params.workingMs ?? []), ...working] })
      : { valid: false, errors: ['leases recorded but no leaseParams (election timeout, slack) to judge them by'], warnings: [], stats: { leases: h.leases.length, observations: 0, checkedAlive: 0, checkedGone: 0, keepAlives: 0, deadlineUnknown: 0 } };
  }
  if (h.final) results.durability = checkDurability(mutations, h.final);
  const all = Object.values(results) as Array<{ valid: Validity }>;
  const valid: Validity = all.some((r) => r.valid === false) ? false : all.some((r) => r.valid === 'unknown') ? 'unknown' : true;
  return { valid, results };
}

/** Parses a saved history, checking its outline (the checkers check the details). */
export function parseHistory(text: string): ChaosHistory {
  const h = JSON.parse(text) as unknown;
  if (typeof h !== 'object' || h === null || Array.isArray(h)) throw new Error('a history is a JSON object');
  const o = h as Record<string, unknown>;
  if (o['version'] !== 1) throw new Error(`unsupported history version ${JSON.stringify(o['version'])}`);
  for (const f of ['ops', 'watches', 'locks', 'leases']) {
    if (o[f] !== undefined && !Array.isArray(o[f])) throw new Error(`"${f}" must be an array`);
  }
  const final = o['final'] as Record<string, unknown> | undefined;
  if (final !== undefined && (!Array.isArray(final['members']) || !Array.isArray(final['hashes']))) throw new Error('"final" needs "members" and "hashes" arrays');
  return h as ChaosHistory;
}

/** A human-readable report: one line per checker, then its errors and warnings. */
export function formatReport(r: CheckAllResult): string {
  const verdict = (v: Validity): string => (v === true ? 'valid' : v === false ? 'INVALID' : 'UNKNOWN');
  const lines = [`overall: ${verdict(r.valid)}`];
  for (const [name, res] of Object.entries(r.results) as Array<[string, CheckResult<unknown, Validity>]>) {
    lines.push(`${name}: ${verdict(res.valid)} ${JSON.stringify(res.stats)}`);
    for (const e of res.errors) lines.push(`  error: ${e}`);
    for (const w of res.warnings) lines.push(`  warning: ${w}`);
  }
  return lines.join('\n');
}
