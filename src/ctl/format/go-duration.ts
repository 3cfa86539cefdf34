// Go's time.Duration text form: parsed for flags like --command-timeout=5s,
// printed for "took = 5.211526ms".

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** "1m30s", "500ms", "2.5s" -> milliseconds. Throws on anything else (a bare "0" is allowed, as in Go). */
export function parseGoDuration(text: string): number {
  const s = text.trim();
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
  let ns = 0;
  let pos = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    ns += Number(m[1]) * UNIT_NS[m[2]!]!;
    pos = re.lastIndex;
  }
  if (pos === 0 || pos !== s.length) throw new Error(`time: invalid duration "${text}"`);
  return ns / 1e6;
}

/** `v` nanoseconds scaled down by 10^digits, trailing zeros of the fraction trimmed. */
function fixed(v: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const frac = (v % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return `${v / scale}${frac === '' ? '' : `.${frac}`}`;
}

export function formatGoDuration(nanoseconds: bigint): string {
  if (nanoseconds < 0n) return `-${formatGoDuration(-nanoseconds)}`;
  const ns = nanoseconds;
  if (ns === 0n) return '0s';
  if (ns < 1000n) return `${ns}ns`;
  if (ns < 1_000_000n) return `${fixed(ns, 3)}µs`;
  if (ns < 1_000_000_000n) return `${fixed(ns, 6)}ms`;
  const hours = ns / 3_600_000_000_000n;
  const minutes = (ns / 60_000_000_000n) % 60n;
  const secs = `${fixed(ns % 60_000_000_000n, 9)}s`;
  if (hours > 0n) return `${hours}h${minutes}m${secs}`;
  if (minutes > 0n) return `${minutes}m${secs}`;
  return secs;
}
