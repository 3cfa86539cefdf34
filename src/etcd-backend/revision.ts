// etcd's revision keys (mvcc/revision.go): 8-byte big-endian main revision, '_', 8-byte
// big-endian sub revision; a delete's row carries a trailing 't' (mvcc/kvstore.go).

export const REV_BYTES = 17;
const MARK_TOMBSTONE = 0x74; // 't'

export interface Revision {
  main: number;
  sub: number;
}

export function revToBytes(rev: Revision, tombstone = false): Buffer {
  const b = Buffer.alloc(tombstone ? REV_BYTES + 1 : REV_BYTES);
  b.writeBigInt64BE(BigInt(rev.main), 0);
  b[8] = 0x5f; // '_'
  b.writeBigInt64BE(BigInt(rev.sub), 9);
  if (tombstone) b[REV_BYTES] = MARK_TOMBSTONE;
  return b;
}

export type ParsedRevKey = Revision & { tombstone: boolean };

export function bytesToRev(b: Buffer): ParsedRevKey {
  if ((b.length !== REV_BYTES && b.length !== REV_BYTES + 1) || b[8] !== 0x5f) {
    throw new Error(`not an etcd revision key: ${b.toString('hex')}`);
  }
  const tombstone = b.length === REV_BYTES + 1;
  if (tombstone && b[REV_BYTES] !== MARK_TOMBSTONE) throw new Error(`bad tombstone mark in ${b.toString('hex')}`);
  return { main: Number(b.readBigInt64BE(0)), sub: Number(b.readBigInt64BE(9)), tombstone };
}

export function u64BE(n: bigint | number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt.asUintN(64, BigInt(n)), 0);
  return b;
}
