// What every workload gets from the runner.
import type { Clock } from '../clock.js';
import type { Rng } from '../rng.js';
import type { Recorder } from './recorder.js';

export interface WorkloadContext {
  /** Every member's client endpoint. */
  endpoints: readonly string[];
  /** Key prefix of the whole run. */
  prefix: string;
  clock: Clock;
  rng: Rng;
  recorder: Recorder;
  /** Per-call deadline: beyond it the outcome is indeterminate ('info'). */
  timeoutMs: number;
  /** True once the workload should wind down. */
  stopped: () => boolean;
}

export function pause(ctx: WorkloadContext, ms: number): Promise<void> {
  // Short slices, so a stop is noticed quickly.
  return new Promise((resolve) => {
    const end = Date.now() + ms;
    const tick = (): void => {
      const left = end - Date.now();
      if (left <= 0 || ctx.stopped()) resolve();
      else setTimeout(tick, Math.min(left, 100));
    };
    tick();
  });
}
