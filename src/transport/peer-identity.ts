// Who is calling: every peer call carries the caller's cluster and member ID as gRPC metadata
// (lowercase hex, as etcd prints IDs), and the server answers with its own in the response headers.
import * as grpc from '@grpc/grpc-js';
import { idToHex } from '../cluster/ids.js';

export const CLUSTER_ID_HEADER = 'x-raftkv-cluster-id';
export const MEMBER_ID_HEADER = 'x-raftkv-member-id';

export const CLUSTER_MISMATCH = 'raftkv: cluster ID mismatch';
/** A peer's answer to a member it has removed from the cluster. */
export const MEMBER_REMOVED = 'raftkv: member removed';

export interface PeerIdentity {
  clusterId: bigint;
  memberId: bigint;
}

export function identityMetadata(id: PeerIdentity): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set(CLUSTER_ID_HEADER, idToHex(id.clusterId));
  md.set(MEMBER_ID_HEADER, idToHex(id.memberId));
  return md;
}

const HEX_ID = /^[0-9a-f]{1,16}$/;

function hexHeader(md: grpc.Metadata, key: string): bigint | undefined {
  const v = md.get(key)[0];
  if (typeof v !== 'string' || !HEX_ID.test(v)) return undefined;
  return BigInt('0x' + v);
}

/** The identity in metadata, or undefined when a header is missing or malformed. */
export function readIdentity(md: grpc.Metadata): PeerIdentity | undefined {
  const clusterId = hexHeader(md, CLUSTER_ID_HEADER);
  const memberId = hexHeader(md, MEMBER_ID_HEADER);
  if (clusterId === undefined || memberId === undefined) return undefined;
  return { clusterId, memberId };
}
