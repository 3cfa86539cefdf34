import { describe, expect, it } from 'vitest';
import * as rpc from '../gen/etcdserverpb.js';
import type { MvccEvent } from '../mvcc/types.js';
import { fromEvent } from '../wire/responses.js';
import { encodeWatchFrame, encodeWatchResponse } from './watch-encoding.js';

const kv = (key: string, rev: number, value: string) => ({
  key: Buffer.from(key),
  value: Buffer.from(value),
  createRevision: 2,
  modRevision: rev,
  version: rev - 1,
  lease: 7n,
});

describe('encodeWatchResponse', () => {
  it('decodes to what encoding the whole response at once gives, with and without prev_kv', () => {
    const events: MvccEvent[] = [
      { type: 'put', kv: kv('a', 5, 'x'.repeat(300)), prevKv: kv('a', 4, 'old') },
      { type: 'delete', kv: { ...kv('b', 5, ''), version: 0, createRevision: 0, lease: 0n } },
    ];
    const fields = { header: { cluster_id: 1n, member_id: 2n, revision: 5, raft_term: 3 }, watch_id: 9, fragment: true };
    for (let round = 0; round < 2; round++) {
      // The second round takes the cached event bytes.
      const got = rpc.WatchResponse.decode(encodeWatchResponse(fields, events));
      const want = rpc.WatchResponse.decode(rpc.WatchResponse.encode({ ...fields, events: events.map(fromEvent) }).finish());
      expect(got).toEqual(want);
      expect(got.events).toHaveLength(2);
      expect(got.events[0]?.prev_kv?.value.toString()).toBe('old');
    }
    const stripped = rpc.WatchResponse.decode(encodeWatchResponse(fields, [{ type: 'put', kv: events[0]!.kv }]));
    expect(stripped.events[0]?.prev_kv).toBeUndefined();
    expect(stripped.events[0]?.kv?.value.toString()).toBe('x'.repeat(300));
  });

  it('writes event responses byte for byte as protobufjs does, for any watch ID and header', () => {
    const events: MvccEvent[] = [
      { type: 'put', kv: kv('k', 7, 'v'.repeat(200)) },
      { type: 'delete', kv: { ...kv('k2', 7, ''), version: 0, createRevision: 0, lease: 0n } },
    ];
    const headers = [
      undefined,
      { cluster_id: 0xfedcba9876543210n, member_id: 1n, revision: 7, raft_term: 2 },
      { cluster_id: 0xfedcba9876543210n, member_id: 1n, revision: 8, raft_term: 2 },
      { cluster_id: 0xfedcba9876543210n, member_id: 1n, revision: 8, raft_term: 3 },
    ];
    for (const header of headers) {
      for (const watch_id of [0, 1, 127, 128, 300, 2 ** 28, 2 ** 35 + 5, Number.MAX_SAFE_INTEGER]) {
        for (const fragment of [false, true]) {
          for (const evs of [[], events.slice(0, 1), events]) {
            const fields = { header, watch_id, fragment };
            const want = Buffer.from(rpc.WatchResponse.encode({ ...fields, events: evs.map(fromEvent) }).finish());
            // twice: the second takes the cached header and event bytes
            expect(encodeWatchResponse(fields, evs).equals(want)).toBe(true);
            expect(encodeWatchResponse(fields, evs).equals(want)).toBe(true);
          }
        }
      }
    }
  });

  it('encodes control responses (created, canceled, compacted) in full', () => {
    const header = { cluster_id: 3n, member_id: 4n, revision: 9, raft_term: 1 };
    for (const fields of [
      { header, watch_id: 5, created: true },
      { header, watch_id: 5, canceled: true, cancel_reason: 'etcdserver: permission denied' },
      { header, watch_id: 5, canceled: true, compact_revision: 4 },
      { header, watch_id: -1, created: true },
    ]) {
      expect(rpc.WatchResponse.decode(encodeWatchResponse(fields, []))).toEqual(rpc.WatchResponse.decode(rpc.WatchResponse.encode(fields).finish()));
    }
  });

  it('frames a response as gRPC does: an uncompressed flag, the length big-endian, the message', () => {
    const header = { cluster_id: 3n, member_id: 4n, revision: 9, raft_term: 1 };
    const events: MvccEvent[] = [{ type: 'put', kv: kv('f', 9, 'y'.repeat(70_000)) }];
    for (const [fields, evs] of [
      [{ header, watch_id: 2 }, events],
      [{ header, watch_id: 2, created: true }, []],
    ] as const) {
      const message = encodeWatchResponse(fields, evs);
      const frame = encodeWatchFrame(fields, evs);
      expect(frame[0]).toBe(0);
      expect(frame.readUInt32BE(1)).toBe(message.length);
      expect(frame.subarray(5).equals(message)).toBe(true);
    }
  });
});
