// Latency statistics of a load run, as etcd's pkg/report computes them for
// `check perf` and `check datascale`: errors counted by message, and over
// the successful requests the rate, the slowest and the (population) stddev.

export interface LoadStats {
  /** Successful requests per second, over the whole run. */
  rps: number;
  /** Seconds; 0 when nothing succeeded. */
  slowest: number;
  /** Seconds; NaN when nothing succeeded, as in Go. */
  stddev: number;
  /** Failed requests by error message, in order of first occurrence. */
  errors: Map<string, number>;
}

export class LoadReport {
  private readonly lats: number[] = [];
  private readonly errors = new Map<string, number>();
  private readonly started = performance.now();

  success(seconds: number): void {
    this.lats.push(seconds);
  }

  failure(message: string): void {
    this.errors.set(message, (this.errors.get(message) ?? 0) + 1);
  }

  /** The statistics, the run's time taken from this report's creation to now. */
  stats(): LoadStats {
    const totalS = (performance.now() - this.started) / 1000;
    const n = this.lats.length;
    const avg = this.lats.reduce((a, b) => a + b, 0) / n;
    const variance = this.lats.reduce((a, l) => a + (l - avg) * (l - avg), 0) / n;
    return {
      rps: n / totalS,
      slowest: this.lats.reduce((a, b) => (b > a ? b : a), 0),
      stddev: Math.sqrt(variance),
      errors: new Map(this.errors),
    };
  }
}

/** Go's %f: six decimals, and NaN / +Inf spelled as Go spells them. */
export function goFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return v.toFixed(6);
}
