// What the nodes' logs (pino JSON lines, one file per node, appended across
// restarts) tell the checkers: when a member became leader. A new leader
// restarts every lease's TTL, so the lease checker needs these times.
import { readFileSync } from 'node:fs';

/**
 * Run-clock times (ms) at which some member logged that it had itself
 * become leader. `epochMs` is Date.now() at run-clock zero.
 */
export function leaderElections(logFiles: readonly string[], epochMs: number): number[] {
  const out: number[] = [];
  for (const file of logFiles) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    let self: string | undefined;
    for (const line of text.split('\n')) {
      if (!line.startsWith('{')) continue;
      let j: { time?: unknown; msg?: unknown; member?: unknown; leader?: unknown };
      try {
        j = JSON.parse(line) as typeof j;
      } catch {
        continue;
      }
      if (j.msg === 'server started' && typeof j.member === 'string') self = j.member;
      if (j.msg === 'leader elected' && typeof j.time === 'number' && j.leader === self) out.push(j.time - epochMs);
    }
  }
  return out.sort((a, b) => a - b);
}
