// The text etcdctl's txn reads: compare lines (`value("k") = "v"`) and
// operation lines (`put k v`, `get --prefix k`), split and unquoted as
// etcdctl does (its argify and fmt.Sscanf's %q).
import * as rpc from '../gen/etcdserverpb.js';
import { CtlError, ExitCode, GoPanic } from './exit.js';
import { goQuote } from './format/go-quote.js';
import { parseInt64 } from './parse.js';

/** Go's strconv.Unquote for a double- or back-quoted string; undefined when malformed. */
function goUnquote(q: string): string | undefined {
  if (q.length >= 2 && q.startsWith('`') && q.endsWith('`')) return q.slice(1, -1);
  if (q.length < 2 || !q.startsWith('"') || !q.endsWith('"')) return undefined;
  try {
    // JSON's escapes are a subset of Go's; \x, \a, \v and octal are mapped first.
    const body = q
      .slice(1, -1)
      .replace(/\\x([0-9a-fA-F]{2})/g, (_m, h: string) => `\\u00${h}`)
      .replace(/\\a/g, '\\u0007')
      .replace(/\\v/g, '\\u000b')
      .replace(/\\'/g, "'");
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return undefined;
  }
}

/** Reads one %q operand at `pos` (leading spaces skipped): the string and where it ended. */
function scanQuoted(s: string, pos: number): { value: string; end: number } | undefined {
  let i = pos;
  while (i < s.length && s[i] === ' ') i++;
  if (s[i] === '`') {
    const close = s.indexOf('`', i + 1);
    if (close < 0) return undefined;
    return { value: s.slice(i + 1, close), end: close + 1 };
  }
  if (s[i] !== '"') return undefined;
  let j = i + 1;
  while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
  if (j >= s.length) return undefined;
  const value = goUnquote(s.slice(i, j + 1));
  return value === undefined ? undefined : { value, end: j + 1 };
}

/** fmt.Sscanf(s, "%q) %s %q", &key, &op, &val): the values scanned before the first failure. */
function scanCompareTail(s: string): { n: number; key: string; op: string; val: string } {
  const out = { n: 0, key: '', op: '', val: '' };
  const k = scanQuoted(s, 0);
  if (k === undefined) return out;
  out.key = k.value;
  out.n = 1;
  let i = k.end;
  if (s[i] !== ')') return out;
  i++;
  while (i < s.length && s[i] === ' ') i++;
  const start = i;
  while (i < s.length && !/\s/.test(s[i]!)) i++;
  if (i === start) return out;
  out.op = s.slice(start, i);
  out.n = 2;
  const v = scanQuoted(s, i);
  if (v === undefined) return out;
  out.val = v.value;
  out.n = 3;
  return out;
}

const RESULTS: Record<string, rpc.Compare_CompareResult> = {
  '=': rpc.Compare_CompareResult.EQUAL,
  '!=': rpc.Compare_CompareResult.NOT_EQUAL,
  '<': rpc.Compare_CompareResult.LESS,
  '>': rpc.Compare_CompareResult.GREATER,
};

const invalid = (message: string): CtlError => new CtlError(message, ExitCode.InvalidInput);

/** One compare line, or the error etcdctl reports for it. */
export function parseCompare(line: string): rpc.CompareInit {
  const paren = line.indexOf('(');
  if (paren < 0) throw invalid(`malformed comparison: ${line}`);
  const target = line.slice(0, paren);
  const { n, key, op, val } = scanCompareTail(line.slice(paren + 1));
  if (n !== 3) {
    throw invalid(`malformed comparison: ${line}; got ${target}(${goQuote(key)}) ${op} ${goQuote(val)}`);
  }
  const result = RESULTS[op];
  const int = (): number => {
    try {
      return Number(parseInt64(val, 10));
    } catch {
      throw invalid(`invalid txn compare request: ${line}`);
    }
  };
  const keyBytes = Buffer.from(key, 'utf8');
  let cmp: rpc.CompareInit;
  switch (target) {
    case 'ver':
    case 'version':
      cmp = { target: rpc.Compare_CompareTarget.VERSION, key: keyBytes, version: int() };
      break;
    case 'c':
    case 'create':
      cmp = { target: rpc.Compare_CompareTarget.CREATE, key: keyBytes, create_revision: int() };
      break;
    case 'm':
    case 'mod':
      cmp = { target: rpc.Compare_CompareTarget.MOD, key: keyBytes, mod_revision: int() };
      break;
    case 'val':
    case 'value':
      cmp = { target: rpc.Compare_CompareTarget.VALUE, key: keyBytes, value: Buffer.from(val, 'utf8') };
      break;
    case 'lease':
      // etcdctl 3.4 hands the lease compare a string, which its client rejects with a panic.
      throw new GoPanic('bad value');
    default:
      throw invalid(`malformed comparison: ${line} (unknown target ${target})`);
  }
  if (result === undefined) throw new GoPanic('Unknown result op');
  return { ...cmp, result };
}

const ARG = /"(?:[^"\\]|\\.)*"|'[^']*'|[^'"\s]\S*[^'"\s]?/g;

/** etcdctl's argify: words, "double-quoted" (Go-unquoted) and 'single-quoted' strings. */
export function argify(line: string): string[] {
  const args = line.match(ARG) ?? [];
  return args.map((a) => {
    if (a.startsWith("'")) {
      // etcdctl trims with the number of words, not the word's length; kept for parity.
      const end = args.length - 1;
      if (end < 1 || end > a.length) throw new GoPanic(`runtime error: slice bounds out of range [:${end}] with length ${a.length}`);
      return a.slice(1, end);
    }
    if (a.startsWith('"')) {
      const v = goUnquote(a);
      if (v === undefined) throw invalid('unexpected EOF');
      return v;
    }
    return a;
  });
}
