import { describe, expect, it } from 'vitest';
import * as rpc from '../gen/etcdserverpb.js';
import type { MvccEvent } from '../mvcc/types.js';
import { fromEvent } from '../wire/responses.js';
import { encodeWatchResponse } from './watch-encoding.js';

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
});
