import { createHash } from 'node:crypto';

// Member and cluster IDs derived as etcd derives them, so the same flags give the same IDs.

function first8(hash: Buffer): bigint {
  return hash.readBigUInt64BE(0);
}

/** A member's ID: SHA-1 over its sorted peer URLs and the cluster token (plus a time for added members). */
export function memberId(peerUrls: readonly string[], token: string, now?: number): bigint {
  const parts = [...peerUrls].sort().join('') + token;
  let b = Buffer.from(parts);
  if (now !== undefined) b = Buffer.concat([b, Buffer.from(String(Math.floor(now / 1000)))]);
  return first8(createHash('sha1').update(b).digest());
}

/** The cluster's ID: SHA-1 over the sorted member IDs, big-endian. */
export function clusterId(memberIds: readonly bigint[]): bigint {
  const sorted = [...memberIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const b = Buffer.alloc(8 * sorted.length);
  sorted.forEach((id, i) => b.writeBigUInt64BE(id, 8 * i));
  return first8(createHash('sha1').update(b).digest());
}

/** etcd prints member IDs as lowercase hex without padding. */
export function idToHex(id: bigint): string {
  return BigInt.asUintN(64, id).toString(16);
}
