// A JSON reader for request bodies, as Go's json.Decoder reads them for grpc-gateway: one value
// at a time from a stream (the watch body is a sequence of objects), trailing bytes ignored, and
// numbers kept as their source text so a 64-bit ID written as a number loses no digits.

export type JsonValue =
  | null
  | boolean
  | string
  | { readonly num: string }
  | JsonValue[]
  | { readonly obj: Map<string, JsonValue> };

export type ReadResult =
  | { kind: 'value'; value: JsonValue; end: number }
  /** The text holds no complete value yet (only whitespace, or a value cut short). */
  | { kind: 'incomplete' }
  | { kind: 'error'; message: string };

class Incomplete extends Error {}
class Invalid extends Error {}

const WS = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/;
/**
 * Nesting deeper than this is refused (Go's decoder stops at 10000 with the same message; the
 * recursion here would exhaust the stack before that). No etcd request nests near it.
 */
export const MAX_DEPTH = 1000;

/** Reads the first JSON value of `text` starting at `from`. */
export function readJson(text: string, from = 0): ReadResult {
  let i = from;
  let depth = 0;
  const skip = (): void => {
    while (i < text.length && WS.has(text[i] as string)) i++;
  };
  const peek = (): string => {
    if (i >= text.length) throw new Incomplete();
    return text[i] as string;
  };
  const literal = (word: string, value: JsonValue): JsonValue => {
    for (let k = 0; k < word.length; k++) {
      if (i + k >= text.length) throw new Incomplete();
      if (text[i + k] !== word[k]) {
        throw new Invalid(`invalid character '${text[i + k]}' in literal ${word} (expecting '${word[k]}')`);
      }
    }
    i += word.length;
    return value;
  };
  const str = (): string => {
    const start = i;
    i++; // opening quote
    for (;;) {
      const c = peek();
      if (c === '"') break;
      if (c === '\\') i++;
      i++;
    }
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      throw new Invalid('invalid character in string literal');
    }
  };
  const value = (): JsonValue => {
    skip();
    const c = peek();
    if ((c === '{' || c === '[') && ++depth > MAX_DEPTH) throw new Invalid('exceeded max depth');
    if (c === '{') {
      i++;
      const obj = new Map<string, JsonValue>();
      skip();
      if (peek() === '}') {
        i++;
        depth--;
        return { obj };
      }
      for (;;) {
        skip();
        if (peek() !== '"') throw new Invalid(`invalid character '${peek()}' looking for beginning of object key string`);
        const key = str();
        skip();
        if (peek() !== ':') throw new Invalid(`invalid character '${peek()}' after object key`);
        i++;
        obj.set(key, value());
        skip();
        const d = peek();
        i++;
        if (d === '}') {
          depth--;
          return { obj };
        }
        if (d !== ',') throw new Invalid(`invalid character '${d}' after object key:value pair`);
      }
    }
    if (c === '[') {
      i++;
      const arr: JsonValue[] = [];
      skip();
      if (peek() === ']') {
        i++;
        depth--;
        return arr;
      }
      for (;;) {
        arr.push(value());
        skip();
        const d = peek();
        i++;
        if (d === ']') {
          depth--;
          return arr;
        }
        if (d !== ',') throw new Invalid(`invalid character '${d}' after array element`);
      }
    }
    if (c === '"') return str();
    if (c === 't') return literal('true', true);
    if (c === 'f') return literal('false', false);
    if (c === 'n') return literal('null', null);
    const m = NUMBER.exec(text.slice(i, i + 400));
    if (m === null) throw new Invalid(`invalid character '${c}' looking for beginning of value`);
    i += m[0].length;
    // A number at the very end may still be growing.
    if (i >= text.length) throw new Incomplete();
    return { num: m[0] };
  };
  try {
    skip();
    if (i >= text.length) return { kind: 'incomplete' };
    const v = value();
    return { kind: 'value', value: v, end: i };
  } catch (e) {
    if (e instanceof Incomplete) return { kind: 'incomplete' };
    if (e instanceof Invalid) return { kind: 'error', message: e.message };
    throw e;
  }
}

/** Reads a whole body: its first value; an empty body reads as `{}` (grpc-gateway allows EOF). */
export function readBody(text: string): { ok: true; value: JsonValue } | { ok: false; message: string } {
  // A complete body cannot grow: a trailing number is complete.
  const r = readJson(`${text} `);
  if (r.kind === 'value') return { ok: true, value: r.value };
  if (r.kind === 'error') return { ok: false, message: r.message };
  return text.trim() === '' ? { ok: true, value: { obj: new Map() } } : { ok: false, message: 'unexpected EOF' };
}
