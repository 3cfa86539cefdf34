// JSON as etcdctl prints it (Go's encoding/json over gogo-proto structs):
// 64-bit integers as bare numbers, bytes as base64, and message fields left
// out when they hold their zero value (the generated `omitempty` tags).

/** Already-encoded JSON, inserted verbatim. */
export class RawJson {
  constructor(readonly json: string) {}
}

// Go escapes these in strings so that JSON is safe inside HTML.
const HTML_UNSAFE: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026' };

function encodeString(s: string): string {
  return JSON.stringify(s).replace(/[<>&]/g, (c) => HTML_UNSAFE[c]!);
}

function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === 0n || v === '') return true;
  if (Array.isArray(v) || Buffer.isBuffer(v)) return v.length === 0;
  return false;
}

function encode(v: unknown, omitZeroFields: boolean): string {
  if (v instanceof RawJson) return v.json;
  if (v === undefined || v === null) return 'null';
  switch (typeof v) {
    case 'bigint':
      return v.toString();
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'string':
      return encodeString(v);
    default:
      break;
  }
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return `"${Buffer.from(v).toString('base64')}"`;
  if (Array.isArray(v)) return `[${v.map((x) => encode(x, true)).join(',')}]`;
  if (typeof v === 'object') {
    const parts: string[] = [];
    for (const [k, x] of Object.entries(v)) {
      if (omitZeroFields && isZero(x)) continue;
      parts.push(`${encodeString(k)}:${encode(x, true)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return 'null';
}

/** A decoded protobuf message (fields in proto order) with zero-valued fields omitted, at every level. */
export function protoJson(message: unknown): string {
  return encode(message, true);
}

/**
 * A Go struct without omitempty tags: every top-level field is printed (an
 * absent array as null); nested messages still omit zero fields.
 */
export function structJson(fields: Record<string, unknown>): string {
  return encode(fields, false);
}

/** The fields of `message` that are not zero, e.g. an embedded *ResponseHeader flattened into a struct. */
export function nonZeroFields(message: object | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (message === undefined) return out;
  for (const [k, v] of Object.entries(message)) if (!isZero(v)) out[k] = v;
  return out;
}
