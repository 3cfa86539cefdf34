#!/usr/bin/env node
// Generates TypeScript types, binary codecs and gRPC service definitions from proto/*.proto into src/gen/.
// Runs before tsc (npm run gen). Output is not committed.
//
// Representation choices:
// - 64-bit integers are `number` (revisions, counts, TTLs stay far below 2^53), except fields that carry
//   IDs (member, cluster, lease IDs use all 64 bits): those are `bigint`.
// - bytes are Buffer; message fields are `T | undefined`; oneof members are `T | undefined` and are
//   encoded whenever set, even to a default value, as proto3 requires.
// - Each message M has `interface M` (decoded: every non-oneof field present), `interface MInit`
//   (for encoding: everything optional) and `const M = { encode, decode }`.
import { mkdirSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const protoDir = join(root, 'proto');
const outDir = join(root, 'src', 'gen');

const BIGINT_FIELDS = new Set(['cluster_id', 'member_id', 'lease', 'ID', 'leader', 'targetID', 'memberID']);
const LONG_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const WIRE = {
  double: 1, float: 5, int32: 0, uint32: 0, sint32: 0, fixed32: 5, sfixed32: 5,
  int64: 0, uint64: 0, sint64: 0, fixed64: 1, sfixed64: 1, bool: 0, string: 2, bytes: 2,
};
const UNSIGNED = new Set(['uint64', 'fixed64']);

const pbRoot = new protobuf.Root();
pbRoot.resolvePath = (_origin, target) => join(protoDir, target);
pbRoot.loadSync(readdirSync(protoDir).filter((f) => f.endsWith('.proto')), { keepCase: true });
pbRoot.resolveAll();

/** Every package (namespace holding types) with its types, flattened with nested names joined by '_'. */
function collect(ns, pkgName, prefix, acc) {
  for (const child of ns.nestedArray) {
    if (child instanceof protobuf.Type || child instanceof protobuf.Enum) {
      const name = prefix + child.name;
      acc.push({ name, def: child, pkg: pkgName });
      if (child instanceof protobuf.Type && child.nestedArray.length > 0) collect(child, pkgName, name + '_', acc);
    } else if (child instanceof protobuf.Service) {
      acc.push({ name: prefix + child.name, def: child, pkg: pkgName });
    } else if (child instanceof protobuf.Namespace) {
      const sub = pkgName ? `${pkgName}.${child.name}` : child.name;
      collect(child, sub, '', acc);
    }
  }
  return acc;
}

const all = collect(pbRoot, '', '', []);
const byDef = new Map(all.map((e) => [e.def, e]));
const pkgs = [...new Set(all.map((e) => e.pkg))];
const fileOf = (pkg) => pkg.replace(/\./g, '_');

function isBig(field) {
  return LONG_TYPES.has(field.type) && BIGINT_FIELDS.has(field.name);
}

function tsScalar(field) {
  const t = field.type;
  if (t === 'string') return 'string';
  if (t === 'bytes') return 'Buffer';
  if (t === 'bool') return 'boolean';
  if (LONG_TYPES.has(t)) return isBig(field) ? 'bigint' : 'number';
  return 'number';
}

function refName(field, cur, imports, init) {
  const e = byDef.get(field.resolvedType);
  if (e.pkg !== cur) imports.add(e.pkg);
  const base = e.pkg !== cur ? `${fileOf(e.pkg)}.${e.name}` : e.name;
  return init && field.resolvedType instanceof protobuf.Type ? base + 'Init' : base;
}

function fieldTs(field, cur, imports, init) {
  let t;
  if (field.resolvedType) t = refName(field, cur, imports, init);
  else t = tsScalar(field);
  if (field.repeated) return `${t}[]`;
  const optional = field.resolvedType instanceof protobuf.Type || field.partOf;
  return optional && !init ? `${t} | undefined` : t;
}

function defaultValue(field, cur, imports) {
  if (field.repeated) return '[]';
  if (field.partOf || field.resolvedType instanceof protobuf.Type) return 'undefined';
  if (field.resolvedType instanceof protobuf.Enum) return '0';
  const t = field.type;
  if (t === 'string') return "''";
  if (t === 'bytes') return 'EMPTY';
  if (t === 'bool') return 'false';
  if (LONG_TYPES.has(t)) return isBig(field) ? '0n' : '0';
  void cur;
  void imports;
  return '0';
}

function wireOf(field) {
  if (field.resolvedType instanceof protobuf.Type) return 2;
  if (field.resolvedType instanceof protobuf.Enum) return 0;
  return WIRE[field.type];
}

function packable(field) {
  return field.repeated && wireOf(field) !== 2;
}

/** Expression writing one scalar value `v` (without tag). */
function writeScalar(field, v) {
  if (field.resolvedType instanceof protobuf.Enum) return `w.int32(${v})`;
  const t = field.type;
  if (LONG_TYPES.has(t)) return isBig(field) ? `w.${t}(bigToLong(${v}, ${UNSIGNED.has(t)}))` : `w.${t}(${v})`;
  return `w.${t}(${v})`;
}

/** Expression reading one scalar value from `r`. */
function readScalar(field) {
  if (field.resolvedType instanceof protobuf.Enum) return 'r.int32()';
  const t = field.type;
  if (LONG_TYPES.has(t)) return isBig(field) ? `longToBig(r.${t}(), ${UNSIGNED.has(t)})` : `longToNumber(r.${t}())`;
  if (t === 'bytes') return 'readBytes(r)';
  return `r.${t}()`;
}

function isDefaultCheck(field, v) {
  if (field.resolvedType instanceof protobuf.Enum) return `${v} !== undefined && ${v} !== 0`;
  const t = field.type;
  if (t === 'string') return `${v} !== undefined && ${v} !== ''`;
  if (t === 'bytes') return `${v} !== undefined && ${v}.length > 0`;
  if (t === 'bool') return `${v} === true`;
  if (LONG_TYPES.has(t) && isBig(field)) return `${v} !== undefined && ${v} !== 0n`;
  return `${v} !== undefined && ${v} !== 0`;
}

function genMessage(e, cur, imports) {
  const type = e.def;
  const out = [];
  const fields = type.fieldsArray;
  out.push(`export interface ${e.name} {`);
  for (const f of fields) out.push(`  ${f.name}: ${fieldTs(f, cur, imports, false)};`);
  out.push('}');
  out.push(`export interface ${e.name}Init {`);
  for (const f of fields) out.push(`  ${f.name}?: ${fieldTs(f, cur, imports, true)} | undefined;`);
  out.push('}');
  out.push(`export const ${e.name} = {`);
  // encode
  const mParam = fields.length > 0 ? 'm' : '_m';
  out.push(`  encode(${mParam}: ${e.name}Init, w: pb.Writer = pb.Writer.create()): pb.Writer {`);
  for (const f of fields) {
    const v = `m.${f.name}`;
    const tag = (wire) => `w.uint32(${((f.id << 3) | wire) >>> 0});`;
    if (f.resolvedType instanceof protobuf.Type) {
      const codec = refName(f, cur, imports, false);
      if (f.repeated) {
        out.push(`    if (${v} !== undefined) for (const x of ${v}) { ${tag(2)} ${codec}.encode(x, w.fork()).ldelim(); }`);
      } else {
        out.push(`    if (${v} !== undefined) { ${tag(2)} ${codec}.encode(${v}, w.fork()).ldelim(); }`);
      }
    } else if (f.repeated) {
      if (packable(f)) {
        out.push(`    if (${v} !== undefined && ${v}.length > 0) { ${tag(2)} w.fork(); for (const x of ${v}) ${writeScalar(f, 'x')}; w.ldelim(); }`);
      } else {
        out.push(`    if (${v} !== undefined) for (const x of ${v}) { ${tag(wireOf(f))} ${writeScalar(f, 'x')}; }`);
      }
    } else if (f.partOf) {
      out.push(`    if (${v} !== undefined) { ${tag(wireOf(f))} ${writeScalar(f, v)}; }`);
    } else {
      out.push(`    if (${isDefaultCheck(f, v)}) { ${tag(wireOf(f))} ${writeScalar(f, v)}; }`);
    }
  }
  out.push('    return w;');
  out.push('  },');
  // decode
  out.push(`  decode(input: pb.Reader | Uint8Array, length?: number): ${e.name} {`);
  out.push('    const r = input instanceof pb.Reader ? input : pb.Reader.create(input);');
  out.push('    const end = length === undefined ? r.len : r.pos + length;');
  out.push(`    const m: ${e.name} = {`);
  for (const f of fields) out.push(`      ${f.name}: ${defaultValue(f, cur, imports)},`);
  out.push('    };');
  out.push('    while (r.pos < end) {');
  out.push('      const tag = r.uint32();');
  out.push('      switch (tag >>> 3) {');
  for (const f of fields) {
    out.push(`        case ${f.id}:`);
    if (f.resolvedType instanceof protobuf.Type) {
      const codec = refName(f, cur, imports, false);
      if (f.repeated) out.push(`          m.${f.name}.push(${codec}.decode(r, r.uint32()));`);
      else out.push(`          m.${f.name} = ${codec}.decode(r, r.uint32());`);
    } else if (f.repeated) {
      if (packable(f)) {
        out.push('          if ((tag & 7) === 2) {');
        out.push('            const e2 = r.uint32() + r.pos;');
        out.push(`            while (r.pos < e2) m.${f.name}.push(${readScalar(f)});`);
        out.push(`          } else m.${f.name}.push(${readScalar(f)});`);
      } else {
        out.push(`          m.${f.name}.push(${readScalar(f)});`);
      }
    } else {
      out.push(`          m.${f.name} = ${readScalar(f)};`);
    }
    out.push('          break;');
  }
  out.push('        default:');
  out.push('          r.skipType(tag & 7);');
  out.push('      }');
  out.push('    }');
  out.push('    return m;');
  out.push('  },');
  out.push('};');
  return out.join('\n');
}

function genEnum(e) {
  const lines = [`export enum ${e.name} {`];
  for (const [k, v] of Object.entries(e.def.values)) lines.push(`  ${k} = ${v},`);
  lines.push('}');
  return lines.join('\n');
}

function genService(e, cur, imports) {
  const svc = e.def;
  const full = `${e.pkg}.${svc.name}`;
  const out = [];
  const ref = (t) => {
    const te = byDef.get(t);
    if (te.pkg !== cur) imports.add(te.pkg);
    return te.pkg !== cur ? `${fileOf(te.pkg)}.${te.name}` : te.name;
  };
  out.push(`/** Server handlers for ${full}. */`);
  out.push(`export interface ${e.name}Handlers extends grpc.UntypedServiceImplementation {`);
  for (const m of svc.methodsArray) {
    const req = ref(m.resolvedRequestType);
    const res = ref(m.resolvedResponseType);
    let h;
    if (m.requestStream && m.responseStream) h = `grpc.handleBidiStreamingCall<${req}, ${res}Init>`;
    else if (m.requestStream) h = `grpc.handleClientStreamingCall<${req}, ${res}Init>`;
    else if (m.responseStream) h = `grpc.handleServerStreamingCall<${req}, ${res}Init>`;
    else h = `grpc.handleUnaryCall<${req}, ${res}Init>`;
    out.push(`  ${m.name}: ${h};`);
  }
  out.push('}');
  out.push(`/** Method descriptors of ${full}, usable by grpc-js servers and clients. */`);
  out.push(`export const ${e.name}Service = {`);
  for (const m of svc.methodsArray) {
    const req = ref(m.resolvedRequestType);
    const res = ref(m.resolvedResponseType);
    out.push(`  ${m.name}: {`);
    out.push(`    path: '/${full}/${m.name}',`);
    out.push(`    requestStream: ${m.requestStream === true},`);
    out.push(`    responseStream: ${m.responseStream === true},`);
    out.push(`    requestSerialize: (v: ${req}Init): Buffer => toBuffer(${req}.encode(v)),`);
    out.push(`    requestDeserialize: (b: Buffer): ${req} => ${req}.decode(b),`);
    out.push(`    responseSerialize: (v: ${res}Init): Buffer => toBuffer(${res}.encode(v)),`);
    out.push(`    responseDeserialize: (b: Buffer): ${res} => ${res}.decode(b),`);
    out.push(`    originalName: '${m.name.charAt(0).toLowerCase()}${m.name.slice(1)}',`);
    out.push('  },');
  }
  out.push('} as const;');
  return out.join('\n');
}

const RUNTIME = `// Generated by scripts/gen-proto.mjs. Do not edit.
// Conversions between protobufjs Long values and our number/bigint fields.
import pb from 'protobufjs/minimal.js';

export const EMPTY: Buffer = Buffer.alloc(0);

/** A 64-bit value as a number; callers keep such fields below 2^53. */
export function longToNumber(v: pb.Long | number): number {
  if (typeof v === 'number') return v;
  return (v.unsigned ? v.high >>> 0 : v.high) * 4294967296 + (v.low >>> 0);
}

export function longToBig(v: pb.Long | number, unsigned: boolean): bigint {
  if (typeof v === 'number') return BigInt(v);
  const u = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return unsigned ? u : BigInt.asIntN(64, u);
}

export function bigToLong(v: bigint, unsigned: boolean): pb.Long {
  const u = BigInt.asUintN(64, v);
  const lo = Number(u & 0xffffffffn) | 0;
  const hi = Number(u >> 32n) | 0;
  return new pb.util.LongBits(lo >>> 0, hi >>> 0).toLong(unsigned);
}

/** protobufjs's BufferReader hands out Buffers; plain Uint8Arrays are wrapped first so it is used. */
export function asBuffer(input: Uint8Array): Buffer {
  return Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
}

export function readBytes(r: pb.Reader): Buffer {
  return asBuffer(r.bytes());
}

export function toBuffer(w: pb.Writer): Buffer {
  const u = w.finish();
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}
`;

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'runtime.ts'), RUNTIME);
for (const pkg of pkgs) {
  const imports = new Set();
  const body = [];
  for (const e of all.filter((x) => x.pkg === pkg)) {
    if (e.def instanceof protobuf.Enum) body.push(genEnum(e));
    else if (e.def instanceof protobuf.Type) body.push(genMessage(e, pkg, imports));
  }
  const services = all.filter((x) => x.pkg === pkg && x.def instanceof protobuf.Service);
  for (const e of services) body.push(genService(e, pkg, imports));
  const head = [
    `// Generated by scripts/gen-proto.mjs from proto/ (package ${pkg}). Do not edit.`,
    '/* eslint-disable */',
    "import pb from 'protobufjs/minimal.js';",
  ];
  if (services.length > 0) head.push("import * as grpc from '@grpc/grpc-js';");
  head.push("import { EMPTY, asBuffer, readBytes, longToNumber, longToBig, bigToLong, toBuffer } from './runtime.js';");
  head.push('void EMPTY; void asBuffer; void readBytes; void longToNumber; void longToBig; void bigToLong; void toBuffer;');
  for (const dep of [...imports].sort()) head.push(`import * as ${fileOf(dep)} from './${fileOf(dep)}.js';`);
  writeFileSync(join(outDir, `${fileOf(pkg)}.ts`), head.join('\n') + '\n\n' + body.join('\n\n') + '\n');
}
// The reflection descriptor of every proto file, for the JSON gateway's protobuf<->JSON mapping.
writeFileSync(
  join(outDir, 'descriptor.ts'),
  '// Generated by scripts/gen-proto.mjs from proto/: protobufjs reflection JSON (Root.fromJSON). Do not edit.\n' +
    `export const PROTO_DESCRIPTOR: unknown = ${JSON.stringify(pbRoot.toJSON())};\n`,
);
console.log(`gen-proto: ${pkgs.length} packages -> src/gen/ (${pkgs.join(', ')})`);
