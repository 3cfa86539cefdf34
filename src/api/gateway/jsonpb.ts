// Protobuf <-> JSON as etcd 3.4's grpc-gateway maps them (golang/protobuf jsonpb, OrigName, no
// defaults): proto field names as written in the .proto files, 64-bit integers as strings, bytes
// as standard base64, enums by name; a zero scalar, empty list or absent message is left out,
// but a oneof member is written whenever it is set. Fields come in declaration order, as Go's
// struct fields do. Reading accepts names or lowerCamel JSON names and ignores unknown fields.
import protobuf from 'protobufjs';
import { PROTO_DESCRIPTOR } from '../../gen/descriptor.js';
import type { JsonValue } from './json-value.js';

const root = protobuf.Root.fromJSON(PROTO_DESCRIPTOR as protobuf.INamespace);
root.resolveAll();

export function messageType(fullName: string): protobuf.Type {
  return root.lookupType(fullName);
}

export function serviceType(fullName: string): protobuf.Service {
  return root.lookupService(fullName);
}

const LONGS = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const INTS = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);

/** Go's encoding/json escapes these inside strings; so must we, to match byte for byte. */
export function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function isZero(f: protobuf.Field, v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (f.resolvedType instanceof protobuf.Type) return false;
  if (typeof v === 'number') return v === 0;
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'string') return v.length === 0;
  // protobufjs decodes an empty bytes field as a plain empty array.
  if (f.type === 'bytes') return (v as ArrayLike<number>).length === 0;
  // A 64-bit integer: a Long (or a number, handled above).
  const long = v as protobuf.Long;
  return long.low === 0 && long.high === 0;
}

function scalarJson(f: protobuf.Field, v: unknown): string {
  const t = f.resolvedType;
  if (t instanceof protobuf.Type) return toJson(t, v as protobuf.Message);
  if (t instanceof protobuf.Enum) {
    const name = t.valuesById[v as number];
    return name !== undefined ? goString(name) : String(v);
  }
  if (LONGS.has(f.type)) return `"${String(v)}"`;
  if (f.type === 'bytes') return `"${Buffer.from(v as ArrayLike<number>).toString('base64')}"`;
  if (f.type === 'string') return goString(v as string);
  return String(v);
}

/** A decoded message as grpc-gateway writes it. */
export function toJson(type: protobuf.Type, msg: protobuf.Message): string {
  const parts: string[] = [];
  const values = msg as unknown as Record<string, unknown>;
  for (const f of type.fieldsArray) {
    const v = values[f.name];
    let text: string;
    if (f.repeated) {
      const list = v as unknown[] | undefined;
      if (list === undefined || list.length === 0) continue;
      text = `[${list.map((e) => scalarJson(f, e)).join(',')}]`;
    } else if (f.partOf !== null) {
      if (!Object.prototype.hasOwnProperty.call(msg, f.name) || v === null || v === undefined) continue;
      text = scalarJson(f, v);
    } else {
      if (isZero(f, v)) continue;
      text = scalarJson(f, v);
    }
    parts.push(`${goString(f.name)}:${text}`);
  }
  return `{${parts.join(',')}}`;
}

export type FromJson = { ok: true; message: protobuf.Message } | { ok: false; message: string };

class JsonError extends Error {}

function kindOf(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (Array.isArray(v)) return 'array';
  return 'num' in v ? 'number' : 'object';
}

/** Go's base64.StdEncoding: padding required, and the error names the first bad byte. */
function base64(s: string): Buffer {
  const text = s.replace(/[\r\n]/g, '');
  const alphabet = /[A-Za-z0-9+/]/;
  let i = 0;
  while (i < text.length && alphabet.test(text[i] as string)) i++;
  const quantumStart = i - (i % 4);
  if (i < text.length) {
    const pad = text.slice(i);
    const need = 4 - (i % 4);
    // Only '=' padding completing the last quantum (of at least two data bytes) may follow.
    if (i % 4 < 2 || pad !== '='.repeat(need)) {
      throw new JsonError(`illegal base64 data at input byte ${i % 4 < 2 ? quantumStart : i}`);
    }
  } else if (i % 4 !== 0) {
    throw new JsonError(`illegal base64 data at input byte ${quantumStart}`);
  }
  return Buffer.from(text, 'base64');
}

function integer(v: JsonValue, goType: string): string {
  let text: string;
  if (typeof v === 'string') {
    text = v; // jsonpb unquotes a quoted integer and parses what is inside
    if (!/^-?\d+$/.test(text)) {
      const c = text.length === 0 ? 'EOF' : `'${text[0] === '-' ? (text[1] ?? '') : text[0]}'`;
      throw new JsonError(text.length === 0 ? 'unexpected end of JSON input' : `invalid character ${c} looking for beginning of value`);
    }
  } else if (v !== null && typeof v === 'object' && 'num' in v) {
    text = v.num;
    if (!/^-?\d+$/.test(text)) throw new JsonError(`json: cannot unmarshal number ${text} into Go value of type ${goType}`);
  } else {
    throw new JsonError(`json: cannot unmarshal ${kindOf(v)} into Go value of type ${goType}`);
  }
  return text;
}

/** Go's name for a proto type: package, then nested names joined by '_'. */
function goTypeName(t: protobuf.ReflectionObject): string {
  const nested = [t.name];
  let o = t.parent;
  while (o instanceof protobuf.Type) {
    nested.unshift(o.name);
    o = o.parent;
  }
  return `${(o?.fullName ?? '').replace(/^\./, '')}.${nested.join('_')}`;
}

function fieldValue(f: protobuf.Field, v: JsonValue): unknown {
  const t = f.resolvedType;
  if (t instanceof protobuf.Type) return objectOf(t, v);
  if (t instanceof protobuf.Enum) {
    if (typeof v === 'string') {
      const n = t.values[v];
      if (n === undefined) throw new JsonError(`unknown value ${goString(v)} for enum ${goTypeName(t)}`);
      return n;
    }
    return Number(integer(v, goTypeName(t)));
  }
  if (LONGS.has(f.type)) return integer(v, f.type.replace(/^s?fixed|^sint/, 'int'));
  if (INTS.has(f.type)) return Number(integer(v, f.type.replace(/^s?fixed|^sint/, 'int')));
  if (f.type === 'bytes') {
    if (typeof v !== 'string') throw new JsonError(`json: cannot unmarshal ${kindOf(v)} into Go value of type []uint8`);
    return base64(v);
  }
  if (f.type === 'string') {
    if (typeof v !== 'string') throw new JsonError(`json: cannot unmarshal ${kindOf(v)} into Go value of type string`);
    return v;
  }
  if (f.type === 'bool') {
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    throw new JsonError(`json: cannot unmarshal ${kindOf(v)} into Go value of type bool`);
  }
  if (v !== null && typeof v === 'object' && 'num' in v) return Number(v.num);
  throw new JsonError(`json: cannot unmarshal ${kindOf(v)} into Go value of type ${f.type}`);
}

function objectOf(type: protobuf.Type, v: JsonValue): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || !('obj' in v)) {
    throw new JsonError(`json: cannot unmarshal ${kindOf(v)} into Go value of type map[string]json.RawMessage`);
  }
  const out: Record<string, unknown> = {};
  for (const f of type.fieldsArray) {
    const raw = v.obj.get(f.name) ?? v.obj.get(protobuf.util.camelCase(f.name));
    if (raw === undefined || raw === null) continue;
    if (f.repeated) {
      if (!Array.isArray(raw)) throw new JsonError(`json: cannot unmarshal ${kindOf(raw)} into Go value of type []json.RawMessage`);
      out[f.name] = raw.map((e) => fieldValue(f, e));
    } else {
      out[f.name] = fieldValue(f, raw);
    }
  }
  return out;
}

/** A request body value as the message grpc-gateway would send, or jsonpb's complaint. */
export function fromJson(type: protobuf.Type, v: JsonValue): FromJson {
  try {
    return { ok: true, message: type.fromObject(objectOf(type, v)) };
  } catch (e) {
    if (e instanceof JsonError) return { ok: false, message: e.message };
    throw e;
  }
}
