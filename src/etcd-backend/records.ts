// Values of etcd's lease and members buckets that have no generated codec here: leasepb.Lease
// (lease/leasepb/lease.proto) and membership.Member's JSON (etcdserver/api/membership/member.go).
import pb from 'protobufjs/minimal.js';
import { bigToLong, longToBig, longToNumber } from '../gen/runtime.js';

export interface LeaseRecord {
  id: bigint;
  ttl: number;
}

/** leasepb.Lease{ID: 1, TTL: 2, RemainingTTL: 3}, as gogo-proto marshals it (zero fields left out). */
export function encodeLease(l: LeaseRecord): Buffer {
  const w = pb.Writer.create();
  if (l.id !== 0n) w.uint32(8).int64(bigToLong(l.id, false));
  if (l.ttl !== 0) w.uint32(16).int64(l.ttl);
  return Buffer.from(w.finish());
}

export function decodeLease(b: Buffer): LeaseRecord {
  const r = pb.Reader.create(b);
  const out: LeaseRecord = { id: 0n, ttl: 0 };
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === 8) out.id = longToBig(r.int64(), false);
    else if (tag === 16) out.ttl = longToNumber(r.int64());
    else r.skipType(tag & 7);
  }
  return out;
}

export interface MemberRecord {
  id: bigint;
  name: string;
  peerUrls: string[];
  clientUrls: string[];
  isLearner: boolean;
}

/** etcd's key for a member: its ID in hex, unpadded (types.ID.String). */
export function memberKey(id: bigint): Buffer {
  return Buffer.from(id.toString(16));
}

/** Go's encoding/json of membership.Member: the uint64 ID as a number, empty fields omitted. */
export function encodeMember(m: MemberRecord): Buffer {
  const parts = [`"id":${m.id.toString()}`, `"peerURLs":${JSON.stringify(m.peerUrls)}`];
  if (m.isLearner) parts.push('"isLearner":true');
  if (m.name !== '') parts.push(`"name":${JSON.stringify(m.name)}`);
  if (m.clientUrls.length > 0) parts.push(`"clientURLs":${JSON.stringify(m.clientUrls)}`);
  return Buffer.from(`{${parts.join(',')}}`);
}

export function decodeMember(b: Buffer): MemberRecord {
  const text = b.toString();
  // The ID is a uint64 that JSON.parse would round; take its digits from the text.
  const id = /"id"\s*:\s*(\d+)/.exec(text)?.[1];
  const j = JSON.parse(text) as { peerURLs?: string[]; isLearner?: boolean; name?: string; clientURLs?: string[] };
  return { id: BigInt(id ?? '0'), name: j.name ?? '', peerUrls: j.peerURLs ?? [], clientUrls: j.clientURLs ?? [], isLearner: j.isLearner === true };
}
