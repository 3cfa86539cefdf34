import { describe, expect, it } from 'vitest';
import { nonZeroFields, protoJson, RawJson, structJson } from './json.js';

describe('protoJson', () => {
  it('prints 64-bit ids exactly, bytes as base64 and omits zero fields', () => {
    const msg = {
      header: { cluster_id: 1295049836938912766n, member_id: 15818886061518034045n, revision: 0, raft_term: 2 },
      kvs: [{ key: Buffer.from('foo'), create_revision: 2, mod_revision: 15, version: 4, value: Buffer.from('bar-updated'), lease: 0n }],
      more: false,
      count: 1,
    };
    expect(protoJson(msg)).toBe(
      '{"header":{"cluster_id":1295049836938912766,"member_id":15818886061518034045,"raft_term":2},' +
        '"kvs":[{"key":"Zm9v","create_revision":2,"mod_revision":15,"version":4,"value":"YmFyLXVwZGF0ZWQ="}],"count":1}',
    );
  });

  it('keeps an empty nested message and escapes HTML characters like Go', () => {
    expect(protoJson({ kv: {}, name: '<a&b>' })).toBe('{"kv":{},"name":"\\u003ca\\u0026b\\u003e"}');
  });

  it('keeps negative numbers (compact_revision -1)', () => {
    expect(protoJson({ hash: 7, compact_revision: -1 })).toBe('{"hash":7,"compact_revision":-1}');
  });
});

describe('structJson', () => {
  it('prints every top-level field, null for absent arrays', () => {
    expect(structJson({ ID: 5n, TTL: 0, Error: '', keys: null })).toBe('{"ID":5,"TTL":0,"Error":"","keys":null}');
  });

  it('inserts raw JSON verbatim', () => {
    expect(structJson({ A: new RawJson('[1,2]') })).toBe('{"A":[1,2]}');
  });

  it('nonZeroFields drops zero values', () => {
    expect(nonZeroFields({ a: 0, b: 1n, c: '', d: 'x' })).toEqual({ b: 1n, d: 'x' });
    expect(nonZeroFields(undefined)).toEqual({});
  });
});
