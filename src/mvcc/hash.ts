// Checksums of the stored state for corruption checks between members. Local
// row ids are left out: they can differ between members with equal history.
import { crc32c } from './crc32.js';
import type { VersionRow } from './rows.js';
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
  for (const row of tables.iterateByKey(0, upto)) crc = crc32c.update(crc, encodeVersion(row));
  return crc;
}

/** Every stored version in (rev, sub) order, then the current and compact revisions. */
export function hashStore(tables: KvTables, current: number, compacted: number): number {
  let crc = 0;
  for (const row of tables.iterateAll()) crc = crc32c.update(crc, encodeVersion(row));
  const revs = Buffer.alloc(16);
  revs.writeBigInt64BE(BigInt(current), 0);
  revs.writeBigInt64BE(BigInt(compacted), 8);
  return crc32c.update(crc, revs);
}

/** Length-prefixed, fixed-width encoding, so distinct rows never encode alike. */
function encodeVersion(row: VersionRow): Buffer {
  const buf = Buffer.alloc(4 + row.key.length + 8 * 5 + 1 + 4 + row.value.length);
  let o = buf.writeUInt32BE(row.key.length, 0);
  o += row.key.copy(buf, o);
  o = buf.writeBigInt64BE(row.rev, o);
  o = buf.writeBigInt64BE(row.sub, o);
  o = buf.writeUInt8(Number(row.tombstone), o);
  o = buf.writeBigInt64BE(row.create_rev, o);
  o = buf.writeBigInt64BE(row.version, o);
  o = buf.writeBigInt64BE(row.lease, o);
  o = buf.writeUInt32BE(row.value.length, o);
  row.value.copy(buf, o);
  return buf;
}
