// Minimal protobuf wire-format codec used by the e2e harness (readiness probe,
// crash test client, decoding `etcdctl -w protobuf` output). Only what those
// need: varints (as bigint), length-delimited fields and nested messages.

export type FieldValue = bigint | Buffer;

export interface Field {
  no: number;
  wireType: number;
  value: FieldValue;
}

function encodeVarint(v: bigint): Buffer {
  if (v < 0n) v = BigInt.asUintN(64, v); // int64 negatives use 10-byte two's complement
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return Buffer.from(out);
}

/** Builds a message field by field, in the order the calls are made. */
export class Writer {
  private parts: Buffer[] = [];

  varint(no: number, v: bigint | number | boolean): this {
    const n = typeof v === 'boolean' ? (v ? 1n : 0n) : BigInt(v);
    this.parts.push(encodeVarint(BigInt((no << 3) | 0)), encodeVarint(n));
    return this;
  }

  bytes(no: number, v: Buffer | string | Uint8Array): this {
    const b = typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v);
    this.parts.push(encodeVarint(BigInt((no << 3) | 2)), encodeVarint(BigInt(b.length)), b);
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= buf.length) throw new Error('protobuf: truncated varint');
    const b = buf[pos++] as number;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7n;
    if (shift > 70n) throw new Error('protobuf: varint too long');
  }
}

/** Decodes one message level into its fields, in wire order. */
export function decode(buf: Buffer): Field[] {
  const fields: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, p1] = readVarint(buf, pos);
    pos = p1;
    const no = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    if (wireType === 0) {
      const [v, p2] = readVarint(buf, pos);
      pos = p2;
      fields.push({ no, wireType, value: v });
    } else if (wireType === 2) {
      const [len, p2] = readVarint(buf, pos);
      const end = p2 + Number(len);
      if (end > buf.length) throw new Error('protobuf: truncated bytes field');
      fields.push({ no, wireType, value: buf.subarray(p2, end) });
      pos = end;
    } else if (wireType === 1) {
      fields.push({ no, wireType, value: buf.subarray(pos, pos + 8) });
      pos += 8;
    } else if (wireType === 5) {
      fields.push({ no, wireType, value: buf.subarray(pos, pos + 4) });
      pos += 4;
    } else {
      throw new Error(`protobuf: unsupported wire type ${wireType}`);
    }
  }
  return fields;
}

export function varintField(fields: Field[], no: number): bigint {
  const f = fields.find((x) => x.no === no);
  if (f === undefined) return 0n;
  if (typeof f.value !== 'bigint') throw new Error(`protobuf: field ${no} is not a varint`);
  return f.value;
}

export function bytesField(fields: Field[], no: number): Buffer {
  const f = fields.find((x) => x.no === no);
  if (f === undefined) return Buffer.alloc(0);
  if (typeof f.value === 'bigint') throw new Error(`protobuf: field ${no} is not length-delimited`);
  return f.value;
}

export function repeatedBytes(fields: Field[], no: number): Buffer[] {
  return fields
    .filter((x) => x.no === no)
    .map((x) => {
      if (typeof x.value === 'bigint') throw new Error(`protobuf: field ${no} is not length-delimited`);
      return x.value;
    });
}
