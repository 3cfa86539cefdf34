// The checkers can fail: raftkv started with an injected bug (--test-bug)
// under the nemesis that exposes it, the matching checker must report a
// violation. A few fixed seeds are tried in turn (a short run may miss the
// window); at least one must be caught.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ciRun, cleanup, skipChaos } from './ci-support.js';
import type { ChaosHistory } from './history.js';
import type { ChaosResult } from './runner.js';

interface BugCase {
  bug: string;
  nemesis: string;
  /** The verdict that must be a violation, and (optionally) what one of its errors must say. */
  checker: string;
  error?: RegExp;
  /** Independent evidence from the history that the bug really struck (undefined: none). */
  evidence?: (h: ChaosHistory) => string | undefined;
  seeds: number[];
  extraFlags?: string[];
}

/**
 * Acknowledged puts whose value no watch stream ever delivered and no member
 * holds at the end: really lost. Needed because ack-before-persist answers
 * every write with header revision 0, which the durability checker flags on
 * its own (a value "no write put there", an "acknowledged write lost" at
 * revision 0), and its 50-error report may be filled with those before the
 * real losses: the verdict alone would not prove a loss was seen.
 */
function lostPuts(h: ChaosHistory): string | undefined {
  const seen = new Set<string>();
  for (const w of h.watches ?? []) for (const e of w.events) if (e.type === 'put') seen.add(`${e.key}\0${e.value ?? ''}`);
  for (const m of h.final?.members ?? []) for (const kv of m.kvs) seen.add(`${kv.key}\0${kv.value}`);
  const lost = (h.ops ?? []).filter((o) => o.type === 'write' && o.outcome === 'ok' && !seen.has(`${o.key}\0${o.value}`));
  return lost.length > 0 ? `${lost.length} acknowledged put(s) never seen again, e.g. ${lost[0]?.key}=${lost[0]?.type === 'write' ? lost[0].value : ''}` : undefined;
}

const CASES: BugCase[] = [
  // Reads served from local state: an isolated old leader (or a lagging follower) answers stale values.
  { bug: 'local-reads', nemesis: 'partition:isolate-leader,partition:majority-minority', checker: 'linearizability', seeds: [4101, 4102, 4103] },
  // Writes acknowledged before they are persisted: kill -9 of every member (or the leader) loses some.
  // A slightly slow disk everywhere widens the window between acknowledgement and fsync.
  {
    bug: 'ack-before-persist',
    nemesis: 'kill:all,kill:leader',
    checker: 'durability',
    evidence: lostPuts,
    seeds: [4201, 4202, 4203],
    extraFlags: ['--test-fsync-delay-ms', '10'],
  },
  // Every fifth watch response is delivered after the next one.
  { bug: 'watch-reorder', nemesis: 'none', checker: 'watch', error: /out of order/, seeds: [4301, 4302] },
];

/** What was caught, or why it does not count. */
function caught(res: ChaosResult, c: BugCase): { ok: boolean; why: string } {
  const v = res.verdicts.find((x) => x.checker === c.checker);
  if (v === undefined || v.valid !== false) return { ok: false, why: `${c.checker}: ${String(v?.valid)}` };
  const err = v.errors.find((e) => c.error === undefined || c.error.test(e));
  if (err === undefined) return { ok: false, why: `${c.checker} invalid, but no error matches ${String(c.error)}` };
  if (c.evidence !== undefined) {
    const ev = c.evidence(JSON.parse(readFileSync(res.historyPath, 'utf8')) as ChaosHistory);
    if (ev === undefined) return { ok: false, why: `${c.checker} invalid, but the history shows no real loss` };
    return { ok: true, why: `${err.slice(0, 300)} [${ev}]` };
  }
  return { ok: true, why: err.slice(0, 300) };
}

describe.skipIf(skipChaos)('injected bugs are caught', () => {
  for (const c of CASES) {
    it(`--bug ${c.bug} (${c.nemesis}): the ${c.checker} checker reports a violation`, async () => {
      const tried: string[] = [];
      for (const seed of c.seeds) {
        const res = await ciRun(`bug ${c.bug}`, {
          timeSec: 10,
          nemesis: c.nemesis,
          nodes: 3,
          seed,
          bugs: [c.bug],
          recoverMs: 1500,
          ...(c.extraFlags ? { extraFlags: c.extraFlags } : {}),
        });
        const found = caught(res, c);
        cleanup(res);
        if (found.ok) {
          console.log(`[bug ${c.bug}] caught with seed ${seed}: ${found.why}`);
          return;
        }
        tried.push(`seed ${seed}: ${found.why}`);
      }
      expect.fail(`--bug ${c.bug} was never caught by the ${c.checker} checker: ${tried.join('; ')}`);
    }, 200_000);
  }
});
