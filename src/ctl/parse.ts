// Numbers on the command line, parsed and rejected the way etcdctl (Go's
// strconv) does, so error messages match.

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, base, 64); throws with strconv's message. */
export function parseInt64(s: string, base: 10 | 16): bigint {
  const digits = base === 10 ? /^[+-]?[0-9]+$/ : /^[+-]?[0-9a-fA-F]+$/;
  if (!digits.test(s)) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax`);
  const neg = s.startsWith('-');
  const body = s.replace(/^[+-]/, '');
  const magnitude = base === 10 ? BigInt(body) : BigInt(`0x${body}`);
  const v = neg ? -magnitude : magnitude;
  if (v < INT64_MIN || v > INT64_MAX) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(s)}: value out of range`);
  return v;
}

/** A decimal int64 that the protocol carries as a JS number. */
export function parseIntArg(s: string): number {
  return Number(parseInt64(s, 10));
}

/** A bool flag's `--flag=value` (commander hands the value as a string): false for strconv.ParseBool's false spellings. */
export function flagBool(v: string | boolean | undefined, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v === 'boolean') return v;
  return !['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v);
}
