import { describe, expect, it } from 'vitest';
import type * as rpc from '../../gen/etcdserverpb.js';
import type * as mvccpb from '../../gen/mvccpb.js';
import { deleteLines, getLines, hexEscape, putLines, watchCancelReason, watchJson, watchLines } from './kv.js';
import { joinLines } from './lines.js';

const header: rpc.ResponseHeader = { cluster_id: 1n, member_id: 2n, revision: 25, raft_term: 2 };
const plain = { hex: false, valueOnly: false };

function kv(key: string, value: string, rev = 1): mvccpb.KeyValue {
  return { key: Buffer.from(key), value: Buffer.from(value), create_revision: rev, mod_revision: rev, version: 1, lease: 0n };
}

const text = (lines: Parameters<typeof joinLines>[0]): string => joinLines(lines).toString();

describe('kv output', () => {
  it('put prints OK, then the previous pair when asked', () => {
    expect(text(putLines({ header, prev_kv: undefined }, plain))).toBe('OK\n');
    expect(text(putLines({ header, prev_kv: kv('foo', 'bar') }, plain))).toBe('OK\nfoo\nbar\n');
  });

  it('get prints key/value lines, keys-only leaves an empty value line', () => {
    const resp: rpc.RangeResponse = { header, kvs: [kv('/p/a', 'va'), kv('/p/b', '')], more: false, count: 2 };
    expect(text(getLines(resp, plain))).toBe('/p/a\nva\n/p/b\n\n');
    expect(text(getLines(resp, { hex: false, valueOnly: true }))).toBe('va\n\n');
  });

  it('get keeps raw bytes and multi-line values', () => {
    const resp: rpc.RangeResponse = { header, kvs: [kv('/app/d', 'line1 x\nline2')], more: false, count: 1 };
    expect(text(getLines(resp, plain))).toBe('/app/d\nline1 x\nline2\n');
    const bin: rpc.RangeResponse = { header, kvs: [{ ...kv('k', ''), value: Buffer.from([0xff, 0x00]) }], more: false, count: 1 };
    expect(joinLines(getLines(bin, plain)).equals(Buffer.from([0x6b, 0x0a, 0xff, 0x00, 0x0a]))).toBe(true);
  });

  it('--hex escapes every byte', () => {
    expect(hexEscape(Buffer.from('foo'))).toBe('\\x66\\x6f\\x6f');
  });

  it('del prints the count, then deleted pairs', () => {
    expect(text(deleteLines({ header, deleted: 1, prev_kvs: [kv('/p/a', 'va')] }, plain))).toBe('1\n/p/a\nva\n');
    expect(text(deleteLines({ header, deleted: 0, prev_kvs: [] }, plain))).toBe('0\n');
  });
});

describe('watch output', () => {
  const put: mvccpb.Event = { type: 0, kv: kv('/w/a', '3', 27), prev_kv: kv('/w/a', '1', 25) };
  const del: mvccpb.Event = { type: 1, kv: { ...kv('/w/a', ''), create_revision: 0, version: 0, mod_revision: 28 }, prev_kv: undefined };
  const resp = (events: mvccpb.Event[]): rpc.WatchResponse => ({
    header,
    watch_id: 0,
    created: false,
    canceled: false,
    compact_revision: 0,
    cancel_reason: '',
    fragment: false,
    events,
  });

  it('prints type, previous pair, pair', () => {
    expect(text(watchLines(resp([put, del]), plain))).toBe('PUT\n/w/a\n1\n/w/a\n3\nDELETE\n/w/a\n\n');
  });

  it('json uses clientv3 field names', () => {
    expect(watchJson(resp([del]))).toBe(
      '{"Header":{"cluster_id":1,"member_id":2,"revision":25,"raft_term":2},' +
        '"Events":[{"type":1,"kv":{"key":"L3cvYQ==","mod_revision":28}}],"CompactRevision":0,"Canceled":false,"Created":false}',
    );
  });

  it('names the compaction as the cancel reason', () => {
    expect(watchCancelReason({ ...resp([]), canceled: true, compact_revision: 5 })).toBe(
      'etcdserver: mvcc: required revision has been compacted',
    );
    expect(watchCancelReason({ ...resp([]), canceled: true, cancel_reason: 'x' })).toBe('x');
  });
});
