// The JSON mapping on its own, with expectations taken from etcd 3.4.23's gateway.
import { describe, expect, it } from 'vitest';
import { fromJson, messageType, toJson } from './jsonpb.js';
import { readBody, readJson } from './json-value.js';

function roundTrip(typeName: string, body: string): string {
  const type = messageType(typeName);
  const read = readBody(body);
  if (!read.ok) throw new Error(read.message);
  const msg = fromJson(type, read.value);
  if (!msg.ok) throw new Error(msg.message);
  return toJson(type, type.decode(type.encode(msg.message).finish()));
}

function refusal(typeName: string, body: string): string {
  const read = readBody(body);
  if (!read.ok) return read.message;
  const msg = fromJson(messageType(typeName), read.value);
  return msg.ok ? '(accepted)' : msg.message;
}

describe('JSON <-> protobuf as grpc-gateway maps it', () => {
  it('writes 64-bit integers as strings, bytes as base64, enums by name, in declaration order', () => {
    expect(
      roundTrip(
        'etcdserverpb.RangeRequest',
        '{"sort_target":"MOD","key":"YQ==","limit":5,"rangeEnd":"Yg==","sort_order":1,"revision":"7"}',
      ),
    ).toBe('{"key":"YQ==","range_end":"Yg==","limit":"5","revision":"7","sort_order":"ASCEND","sort_target":"MOD"}');
  });

  it('leaves out defaults but writes a oneof member that is set, even to its default', () => {
    expect(roundTrip('etcdserverpb.RangeRequest', '{"key":"","limit":"0","keys_only":false}')).toBe('{}');
    // target VERSION is the enum's zero, so it goes; version is a oneof member, so it stays.
    expect(roundTrip('etcdserverpb.Compare', '{"key":"YQ==","target":"VERSION","version":"0"}')).toBe(
      '{"key":"YQ==","version":"0"}',
    );
  });

  it('keeps every digit of a 64-bit number and ignores unknown fields', () => {
    expect(roundTrip('etcdserverpb.LeaseTimeToLiveRequest', '{"ID":2389619450331478801,"bogus":[1]}')).toBe(
      '{"ID":"2389619450331478801"}',
    );
  });

  it("refuses what Go's jsonpb refuses, with its messages", () => {
    expect(refusal('etcdserverpb.RangeRequest', '{"key":"YQ"}')).toBe('illegal base64 data at input byte 0');
    expect(refusal('etcdserverpb.RangeRequest', '{"key":"-_8="}')).toBe('illegal base64 data at input byte 0');
    expect(refusal('etcdserverpb.RangeRequest', '{"key":5}')).toBe('json: cannot unmarshal number into Go value of type []uint8');
    expect(refusal('etcdserverpb.RangeRequest', '{"limit":"x"}')).toBe("invalid character 'x' looking for beginning of value");
    expect(refusal('etcdserverpb.RangeRequest', '{"sort_order":"FOO"}')).toBe(
      'unknown value "FOO" for enum etcdserverpb.RangeRequest_SortOrder',
    );
    expect(refusal('etcdserverpb.RangeRequest', '[]')).toBe(
      'json: cannot unmarshal array into Go value of type map[string]json.RawMessage',
    );
    expect(refusal('etcdserverpb.RangeRequest', 'not json')).toBe("invalid character 'o' in literal null (expecting 'u')");
  });

  it('escapes <, > and & in strings as Go does', () => {
    expect(roundTrip('etcdserverpb.AuthRoleAddRequest', '{"name":"a<b>&c"}')).toBe('{"name":"a\\u003cb\\u003e\\u0026c"}');
  });
});

describe('reading a body of JSON values', () => {
  it('reads one value at a time and waits for an unfinished one', () => {
    const text = '{"a":1} {"b":[true,null]}{"c"';
    const first = readJson(text);
    expect(first.kind).toBe('value');
    if (first.kind !== 'value') return;
    const second = readJson(text, first.end);
    expect(second.kind).toBe('value');
    if (second.kind !== 'value') return;
    expect(readJson(text, second.end)).toEqual({ kind: 'incomplete' });
  });

  it('treats an empty body as an empty request and ignores what follows the first value', () => {
    expect(readBody('  ')).toEqual({ ok: true, value: { obj: new Map() } });
    expect(readBody('{"a":"x"} trailing').ok).toBe(true);
    expect(readBody('{"a":')).toEqual({ ok: false, message: 'unexpected EOF' });
  });
});
