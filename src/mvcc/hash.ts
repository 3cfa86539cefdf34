// Checksums of the stored state for corruption checks between members. Local
// row ids are left out: they can differ between members with equal history.
import { crc32c } from './crc32.js';
import { keyBuffer, type Version } from './key-index.js';
import type { KvTables } from './tables.js';

/** Like etcd, the hash starts from the name of the bucket it covers, so it is never 0. */
const HASH_SEED = crc32c.update(0, Buffer.from('key'));

/**
 * HashKV: CRC-32C over every stored version with rev <= upto, tombstones included, in (key, rev,
 * sub) order. Below the compaction revision only the versions compaction kept remain, which is
 * what etcd hashes there too; compaction is deterministic, so members agree.
 */
export function hashVersions(tables: KvTables, upto: number): number {
  let crc = HASH_SEED;
  for (const [key, versions] of tables.index.entries()) {
    const k = keyBuffer(key);
    for (const v of versions) if (v.rev <= upto) crc = crc32c.update(crc, encodeVersion(k, v, tables));
  }
  return crc;
}

/** Every stored version in (key, rev, sub) order, then the current and compact revisions. */
export function hashStore(tables: KvTables, current: number, compacted: number): number {
  let crc = 0;
  for (const [key, versions] of tables.index.entries()) {
    const k = keyBuffer(key);
    for (const v of versions) crc = crc32c.update(crc, encodeVersion(k, v, tables));
  }
  const revs = Buffer.alloc(16);
  revs.writeBigInt64BE(BigInt(current), 0);
  revs.writeBigInt64BE(BigInt(compacted), 8);
  return crc32c.update(crc, revs);
}

/** Length-prefixed, fixed-width encoding, so distinct versions never encode alike. */
function encodeVersion(key: Buffer, v: Version, tables: KvTables): Buffer {
  const value = v.tombstone ? Buffer.alloc(0) : tables.value(v.id);
  const buf = Buffer.alloc(4 + key.length + 8 * 5 + 1 + 4 + value.length);
  let o = buf.writeUInt32BE(key.length, 0);
  o += key.copy(buf, o);
  o = buf.writeBigInt64BE(BigInt(v.rev), o);
  o = buf.writeBigInt64BE(BigInt(v.sub), o);
  o = buf.writeUInt8(v.tombstone ? 1 : 0, o);
  o = buf.writeBigInt64BE(BigInt(v.createRev), o);
  o = buf.writeBigInt64BE(BigInt(v.version), o);
  o = buf.writeBigInt64BE(v.lease, o);
  o = buf.writeUInt32BE(value.length, o);
  value.copy(buf, o);
  return buf;
}
