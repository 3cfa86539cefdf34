// Conversions between Raft's plain messages (src/raft/types.ts) and the peer protocol's protobuf
// messages (proto/raftpb.proto). Encoding cannot fail; decoding reads a peer's bytes, so it
// returns a typed error instead of throwing.
import * as pb from '../gen/raftkvpeer.js';
import type {
  ConfState,
  Entry,
  EntryType,
  Message,
  MessageType,
  NodeId,
  SnapshotMetadata,
} from '../raft/types.js';

export interface CodecError {
  readonly type: 'codec-error';
  readonly detail: string;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: CodecError };

function fail<T>(detail: string): Decoded<T> {
  return { ok: false, error: { type: 'codec-error', detail } };
}

const EMPTY = Buffer.alloc(0);

/** Zero-copy view: the generated Init types want Buffer, Raft hands out Uint8Array. */
function buf(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/** A member ID as 8 bytes big-endian; 0 (NONE) as empty, so it costs nothing on the wire. */
export function idToBytes(id: NodeId): Buffer {
  if (id === 0n) return EMPTY;
  const b = Buffer.allocUnsafe(8);
  b.writeBigUInt64BE(BigInt.asUintN(64, id));
  return b;
}

/** Inverse of idToBytes; undefined for any length other than 0 or 8. */
export function idFromBytes(b: Uint8Array): NodeId | undefined {
  if (b.length === 0) return 0n;
  if (b.length !== 8) return undefined;
  return buf(b).readBigUInt64BE(0);
}

const TYPE_TO_PB: Readonly<Record<MessageType, pb.MessageType>> = {
  MsgProp: pb.MessageType.MsgProp,
  MsgApp: pb.MessageType.MsgApp,
  MsgAppResp: pb.MessageType.MsgAppResp,
  MsgVote: pb.MessageType.MsgVote,
  MsgVoteResp: pb.MessageType.MsgVoteResp,
  MsgPreVote: pb.MessageType.MsgPreVote,
  MsgPreVoteResp: pb.MessageType.MsgPreVoteResp,
  MsgSnap: pb.MessageType.MsgSnap,
  MsgHeartbeat: pb.MessageType.MsgHeartbeat,
  MsgHeartbeatResp: pb.MessageType.MsgHeartbeatResp,
  MsgTransferLeader: pb.MessageType.MsgTransferLeader,
  MsgTimeoutNow: pb.MessageType.MsgTimeoutNow,
  MsgReadIndex: pb.MessageType.MsgReadIndex,
  MsgReadIndexResp: pb.MessageType.MsgReadIndexResp,
};

const TYPE_FROM_PB: ReadonlyMap<pb.MessageType, MessageType> = new Map(
  (Object.entries(TYPE_TO_PB) as [MessageType, pb.MessageType][]).map(([k, v]) => [v, k]),
);

function entryToPb(e: Entry): pb.EntryInit {
  return {
    index: e.index,
    term: e.term,
    type: e.type === 'confChange' ? pb.EntryType.EntryConfChange : pb.EntryType.EntryNormal,
    data: buf(e.data),
  };
}

function entryFromPb(e: pb.Entry): Decoded<Entry> {
  let type: EntryType;
  if (e.type === pb.EntryType.EntryNormal) type = 'normal';
  else if (e.type === pb.EntryType.EntryConfChange) type = 'confChange';
  else return fail(`unknown entry type ${String(e.type)}`);
  return { ok: true, value: { index: e.index, term: e.term, type, data: e.data } };
}

function idsFromPb(list: Buffer[], what: string): Decoded<NodeId[]> {
  const out: NodeId[] = [];
  for (const b of list) {
    const id = idFromBytes(b);
    if (id === undefined) return fail(`${what}: member ID of ${b.length} bytes`);
    out.push(id);
  }
  return { ok: true, value: out };
}

function metadataToPb(m: SnapshotMetadata): pb.SnapshotMetadataInit {
  return {
    index: m.index,
    term: m.term,
    conf_state: { voters: m.confState.voters.map(idToBytes), learners: m.confState.learners.map(idToBytes) },
  };
}

function metadataFromPb(m: pb.SnapshotMetadata): Decoded<SnapshotMetadata> {
  const cs = m.conf_state;
  const voters = idsFromPb(cs?.voters ?? [], 'voters');
  if (!voters.ok) return voters;
  const learners = idsFromPb(cs?.learners ?? [], 'learners');
  if (!learners.ok) return learners;
  const confState: ConfState = { voters: voters.value, learners: learners.value };
  return { ok: true, value: { index: m.index, term: m.term, confState } };
}

/** Raft message -> protobuf. A snapshot's data is left out: it travels in Peer.Snapshot chunks. */
export function messageToPb(m: Message): pb.MessageInit {
  const out: pb.MessageInit = {
    type: TYPE_TO_PB[m.type],
    from: idToBytes(m.from),
    to: idToBytes(m.to),
    term: m.term,
    log_term: m.logTerm,
    index: m.index,
    entries: m.entries.length === 0 ? undefined : m.entries.map(entryToPb),
    commit: m.commit,
    reject: m.reject,
    reject_hint: m.rejectHint,
  };
  if (m.snapshot !== undefined) out.snapshot = metadataToPb(m.snapshot.metadata);
  if (m.context !== undefined) out.context = buf(m.context);
  return out;
}

/**
 * Protobuf -> Raft message. A snapshot gets `snapshotData` (empty unless the snapshot receiver
 * reassembled it). Byte fields are views into the received buffer, not copies.
 */
export function messageFromPb(p: pb.Message, snapshotData: Uint8Array = EMPTY): Decoded<Message> {
  const type = TYPE_FROM_PB.get(p.type);
  if (type === undefined) return fail(`unknown message type ${String(p.type)}`);
  const from = idFromBytes(p.from);
  const to = idFromBytes(p.to);
  if (from === undefined || to === undefined) return fail('from/to: member ID not 8 bytes');
  const entries: Entry[] = [];
  for (const e of p.entries) {
    const d = entryFromPb(e);
    if (!d.ok) return d;
    entries.push(d.value);
  }
  const m: Message = {
    type,
    from,
    to,
    term: p.term,
    logTerm: p.log_term,
    index: p.index,
    entries,
    commit: p.commit,
    reject: p.reject,
    rejectHint: p.reject_hint,
  };
  if (p.snapshot !== undefined) {
    const md = metadataFromPb(p.snapshot);
    if (!md.ok) return md;
    m.snapshot = { metadata: md.value, data: snapshotData };
  }
  if (p.context !== undefined) m.context = p.context;
  return { ok: true, value: m };
}

/** Rough encoded size, used to cut batches before they hit gRPC's message size limit. */
export function estimateSize(m: Message): number {
  let n = 64 + (m.context?.length ?? 0);
  for (const e of m.entries) n += 24 + e.data.length;
  return n;
}
