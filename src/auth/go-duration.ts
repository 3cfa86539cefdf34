import type { Result } from '../mvcc/types.js';

// Go's time.ParseDuration, which etcd uses for the JWT `ttl` option: a sequence of decimal numbers,
// each with a unit (ns, us, µs, ms, s, m, h), e.g. "300ms", "1.5h", "2h45m"; "0" needs no unit.

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds, or Go's error message. */
export function parseGoDuration(s: string): Result<number, string> {
  const invalid = { ok: false as const, error: `time: invalid duration "${s}"` };
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return { ok: true, value: 0 };
  if (rest === '') return invalid;
  let total = 0;
  while (rest !== '') {
    const num = /^(\d*)(\.\d*)?/.exec(rest);
    const digits = num?.[0] ?? '';
    if (digits === '' || digits === '.') return invalid;
    rest = rest.slice(digits.length);
    const unit = /^[^\d.]*/.exec(rest)?.[0] ?? '';
    if (unit === '') return { ok: false, error: `time: missing unit in duration "${s}"` };
    const ms = UNIT_MS[unit];
    if (ms === undefined) return { ok: false, error: `time: unknown unit "${unit}" in duration "${s}"` };
    total += Number(digits) * ms;
    rest = rest.slice(unit.length);
  }
  return { ok: true, value: sign * total };
}
