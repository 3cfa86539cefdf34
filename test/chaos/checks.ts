// Runs the checkers over a history and condenses each result into a verdict.
import { checkLinearizability } from './checkers/linearizability.js';
import type { ChaosHistory } from './history.js';

export interface Verdict {
  checker: string;
  valid: boolean | 'unknown';
  summary: string;
  errors: string[];
}

export function runCheckers(h: ChaosHistory): Verdict[] {
  const lin = checkLinearizability(h.ops ?? []);
  return [{ checker: 'linearizability', valid: lin.valid, summary: JSON.stringify(lin.stats), errors: lin.errors }];
}
