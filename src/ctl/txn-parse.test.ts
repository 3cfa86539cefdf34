import { describe, expect, it } from 'vitest';
import * as rpc from '../gen/etcdserverpb.js';
import { CtlError, GoPanic } from './exit.js';
import { argify, parseCompare } from './txn-parse.js';

describe('parseCompare', () => {
  it('reads each target and operator', () => {
    expect(parseCompare('value("k") = "v"')).toEqual({
      target: rpc.Compare_CompareTarget.VALUE,
      key: Buffer.from('k'),
      value: Buffer.from('v'),
      result: rpc.Compare_CompareResult.EQUAL,
    });
    expect(parseCompare('ver("k") != "3"')).toMatchObject({ version: 3, result: rpc.Compare_CompareResult.NOT_EQUAL });
    expect(parseCompare('c("k") < "10"')).toMatchObject({ create_revision: 10, result: rpc.Compare_CompareResult.LESS });
    expect(parseCompare('mod("k") > "0"')).toMatchObject({ mod_revision: 0, result: rpc.Compare_CompareResult.GREATER });
  });

  it('words errors as etcdctl does (exit 3), and crashes where it crashes', () => {
    const err = (line: string): CtlError => {
      try {
        parseCompare(line);
      } catch (e) {
        return e as CtlError;
      }
      throw new Error('no error');
    };
    expect(err('value(k) == v')).toMatchObject({ message: 'malformed comparison: value(k) == v; got value("")  ""', exitCode: 3 });
    expect(err('nothing')).toMatchObject({ message: 'malformed comparison: nothing', exitCode: 3 });
    expect(err('foo("k") = "1"')).toMatchObject({ message: 'malformed comparison: foo("k") = "1" (unknown target foo)' });
    expect(err('version("k") = "x"')).toMatchObject({ message: 'invalid txn compare request: version("k") = "x"' });
    expect(err('value("k") == "v"')).toBeInstanceOf(GoPanic);
  });
});

describe('argify', () => {
  it('splits words and unquotes double-quoted ones', () => {
    expect(argify('put "a b" c\\"d')).toEqual(['put', 'a b', 'c\\"d']);
    expect(argify('get --prefix /p/')).toEqual(['get', '--prefix', '/p/']);
  });

  it("trims single-quoted words by the word count, as etcdctl's argify does", () => {
    // Three words: 'ab' becomes its characters [1:2].
    expect(argify("put 'ab' x")).toEqual(['put', 'a', 'x']);
  });
});
