// One monotonic clock for the whole run: every recorded time is milliseconds
// since the run started (performance.now() offsets), as history.ts wants.

export class Clock {
  private readonly t0 = performance.now();

  now(): number {
    return Math.round((performance.now() - this.t0) * 1000) / 1000;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}
