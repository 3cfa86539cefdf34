import { describe, expect, it } from 'vitest';
import * as pb from '../gen/raftkvpeer.js';
import type { Message, MessageType } from '../raft/types.js';
import { idFromBytes, idToBytes, messageFromPb, messageToPb } from './codec.js';

const MAX = 2n ** 64n - 1n;

/** Through real bytes, as on the wire. */
function roundTrip(m: Message, snapshotData?: Uint8Array): Message {
  const bytes = pb.MessageBatch.encode({ messages: [messageToPb(m)] }).finish();
  const decoded = pb.MessageBatch.decode(bytes);
  const d = messageFromPb(decoded.messages[0]!, snapshotData);
  if (!d.ok) throw new Error(d.error.detail);
  return d.value;
}

function base(type: MessageType): Message {
  return { type, from: 1n, to: 2n, term: 0, logTerm: 0, index: 0, entries: [], commit: 0, reject: false, rejectHint: 0 };
}

const ALL_TYPES: MessageType[] = [
  'MsgProp', 'MsgApp', 'MsgAppResp', 'MsgVote', 'MsgVoteResp', 'MsgPreVote', 'MsgPreVoteResp', 'MsgSnap',
  'MsgHeartbeat', 'MsgHeartbeatResp', 'MsgTransferLeader', 'MsgTimeoutNow', 'MsgReadIndex', 'MsgReadIndexResp',
];

describe('codec', () => {
  it('carries member IDs of all 64 bits, and 0 as empty', () => {
    for (const id of [0n, 1n, 0x8e9e05c52164694dn, 2n ** 63n, MAX]) {
      expect(idFromBytes(idToBytes(id))).toBe(id);
    }
    expect(idToBytes(0n).length).toBe(0);
    expect(idToBytes(MAX).length).toBe(8);
    expect(idFromBytes(new Uint8Array(7))).toBeUndefined();
  });

  it('round-trips every message type exactly', () => {
    for (const type of ALL_TYPES) {
      const m = { ...base(type), from: MAX, to: 2n ** 63n + 5n, term: 7, logTerm: 6, index: 2 ** 40, commit: 3 };
      expect(roundTrip(m)).toEqual(m);
    }
  });

  it('keeps numbers up to 2^53-1, flags and hints', () => {
    const m = { ...base('MsgAppResp'), term: Number.MAX_SAFE_INTEGER, index: 2 ** 52 + 1, reject: true, rejectHint: 99, logTerm: 4 };
    expect(roundTrip(m)).toEqual(m);
  });

  it('keeps entries with binary and empty data, and their types', () => {
    const bin = new Uint8Array(256);
    for (let i = 0; i < 256; i++) bin[i] = i;
    const m: Message = {
      ...base('MsgApp'),
      entries: [
        { index: 10, term: 2, type: 'normal', data: bin },
        { index: 11, term: 2, type: 'normal', data: new Uint8Array(0) },
        { index: 12, term: 3, type: 'confChange', data: Uint8Array.of(0, 0, 1) },
      ],
    };
    const back = roundTrip(m);
    expect(back.entries.map((e) => ({ ...e, data: Array.from(e.data) }))).toEqual(
      m.entries.map((e) => ({ ...e, data: Array.from(e.data) })),
    );
  });

  it('tells an absent context from an empty one', () => {
    const absent = roundTrip(base('MsgHeartbeat'));
    expect('context' in absent).toBe(false);
    const empty = roundTrip({ ...base('MsgHeartbeat'), context: new Uint8Array(0) });
    expect(empty.context).toBeDefined();
    expect(empty.context!.length).toBe(0);
    const ctx = roundTrip({ ...base('MsgReadIndex'), context: Uint8Array.of(0, 255, 7) });
    expect(Array.from(ctx.context!)).toEqual([0, 255, 7]);
  });

  it('carries snapshot metadata but not data, which the snapshot call supplies', () => {
    const m: Message = {
      ...base('MsgSnap'),
      snapshot: {
        metadata: { index: 500, term: 4, confState: { voters: [1n, MAX, 0x8e9e05c52164694dn], learners: [2n ** 63n] } },
        data: Uint8Array.of(1, 2, 3),
      },
    };
    const pbm = messageToPb(m);
    expect(pb.Message.encode(pbm).finish().length).toBeLessThan(100);
    const withoutData = roundTrip(m);
    expect(withoutData.snapshot!.metadata).toEqual(m.snapshot!.metadata);
    expect(withoutData.snapshot!.data.length).toBe(0);
    const withData = roundTrip(m, Uint8Array.of(1, 2, 3));
    expect(Array.from(withData.snapshot!.data)).toEqual([1, 2, 3]);
    expect('snapshot' in roundTrip(base('MsgApp'))).toBe(false);
  });

  it('rejects malformed IDs and unknown types with a typed error', () => {
    const good = pb.Message.decode(pb.Message.encode(messageToPb(base('MsgApp'))).finish());
    const badId = messageFromPb({ ...good, from: Buffer.alloc(3) });
    expect(badId.ok).toBe(false);
    if (!badId.ok) expect(badId.error.type).toBe('codec-error');
    expect(messageFromPb({ ...good, type: pb.MessageType.MsgUnknown }).ok).toBe(false);
    expect(messageFromPb({ ...good, type: 99 as pb.MessageType }).ok).toBe(false);
    const badVoter = messageFromPb({
      ...good,
      snapshot: { index: 1, term: 1, conf_state: { voters: [Buffer.alloc(9)], learners: [] } },
    });
    expect(badVoter.ok).toBe(false);
  });
});
