// Byte counts as etcdctl prints them (go-humanize's Bytes: SI units, one
// significant decimal below 10, Go's round-half-to-even when printing).

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/** %.0f with Go's (IEEE, half-to-even) rounding. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export function humanizeBytes(n: number): string {
  if (n < 10) return `${n} B`;
  const e = Math.min(Math.floor(Math.log(n) / Math.log(1000)), UNITS.length - 1);
  const val = Math.floor((n / 1000 ** e) * 10 + 0.5) / 10;
  const unit = UNITS[e]!;
  return val < 10 ? `${val.toFixed(1)} ${unit}` : `${roundHalfEven(val)} ${unit}`;
}
