import { describe, expect, it } from 'vitest';
import protobuf from 'protobufjs';
import { join } from 'node:path';
import { PutRequest, RangeResponse, Compare, Compare_CompareTarget, WatchRequest, WatchCreateRequest_FilterType } from '../gen/etcdserverpb.js';

// Cross-checks the generated codecs against protobufjs's reflection codecs over the same proto/ files.
const root = new protobuf.Root();
root.resolvePath = (_o, t) => join(import.meta.dirname, '..', '..', 'proto', t);
root.loadSync(['rpc.proto'], { keepCase: true });
const reflect = (name: string): protobuf.Type => root.lookupType(name);

describe('generated protobuf codecs', () => {
  it('encodes a PutRequest byte-for-byte like protobufjs, including a 64-bit lease ID', () => {
    const msg = { key: Buffer.from('foo'), value: Buffer.from('bar'), lease: 0x7fffffffffffffffn, prev_kv: true };
    const ours = Buffer.from(PutRequest.encode(msg).finish());
    const theirs = Buffer.from(
      reflect('etcdserverpb.PutRequest').encode({ key: msg.key, value: msg.value, lease: '9223372036854775807', prev_kv: true }).finish(),
    );
    expect(ours.equals(theirs)).toBe(true);
    const back = PutRequest.decode(ours);
    expect(back.lease).toBe(0x7fffffffffffffffn);
    expect(back.key.toString()).toBe('foo');
    expect(back.ignore_value).toBe(false);
  });

  it('round-trips a negative int64 lease and an unsigned 64-bit member ID', () => {
    const back = RangeResponse.decode(
      RangeResponse.encode({ header: { member_id: 0xdb8a_3ee5_40c1_47a5n, revision: 15 }, kvs: [{ key: Buffer.from('k'), lease: -2n }], count: 1 }).finish(),
    );
    expect(back.header?.member_id).toBe(0xdb8a_3ee5_40c1_47a5n);
    expect(back.header?.revision).toBe(15);
    expect(back.kvs[0]?.lease).toBe(-2n);
    expect(back.more).toBe(false);
  });

  it('encodes a oneof member even when it holds the default value', () => {
    const bytes = Compare.encode({ target: Compare_CompareTarget.VALUE, key: Buffer.from('k'), value: Buffer.alloc(0) }).finish();
    const decoded = reflect('etcdserverpb.Compare').decode(bytes) as unknown as { target_union?: string };
    expect(decoded.target_union).toBe('value');
    expect(Compare.decode(bytes).value?.length).toBe(0);
  });

  it('decodes packed and unpacked repeated enums', () => {
    const packed = reflect('etcdserverpb.WatchRequest')
      .encode({ create_request: { key: Buffer.from('a'), filters: [1, 0] } })
      .finish();
    const ours = WatchRequest.decode(packed);
    expect(ours.create_request?.filters).toEqual([WatchCreateRequest_FilterType.NODELETE, WatchCreateRequest_FilterType.NOPUT]);
  });
});
