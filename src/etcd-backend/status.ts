// What `etcdctl snapshot status` reports for an etcd backend (clientv3/snapshot Status): a
// CRC-32C over every bucket name, key and value in order, the main revision of the key bucket's
// last row, the number of keys in all buckets, and the database's size.
import type { BoltReader } from '../bbolt/reader.js';
import { crc32c } from '../mvcc/crc32.js';
import { BUCKET } from './buckets.js';
import { bytesToRev } from './revision.js';

export interface BackendStatus {
  hash: number;
  revision: number;
  totalKey: number;
  totalSize: number;
}

export function backendStatus(bolt: BoltReader): BackendStatus {
  let hash = 0;
  let revision = 0;
  let totalKey = 0;
  for (const b of bolt.root().entries()) {
    if (b.bucket === undefined) throw new Error(`not a bucket at the root: ${b.key.toString()}`);
    hash = crc32c.update(hash, b.key);
    const isKey = b.key.toString() === BUCKET.key;
    for (const e of b.bucket.entries()) {
      hash = crc32c.update(hash, e.key);
      if (e.bucket === undefined) hash = crc32c.update(hash, e.value);
      if (isKey) revision = bytesToRev(e.key).main;
      totalKey++;
    }
  }
  return { hash, revision, totalKey, totalSize: bolt.size() };
}
