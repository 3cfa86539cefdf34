// Helpers for the mvcc unit tests (not used by production code).
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MvccStore } from '../../src/mvcc/store.js';
import type {
  Compare,
  DeleteRangeRequest,
  LeaseLookup,
  PutRequest,
  RangeRequest,
  RequestOp,
  Result,
  TxnRequest,
} from '../../src/mvcc/types.js';

export const b = (s: string): Buffer => Buffer.from(s);
export const FROM_KEY = Buffer.from([0]);

/** A lease table the tests control. */
export class FakeLeases implements LeaseLookup {
  readonly ids = new Set<bigint>();
  constructor(...ids: bigint[]) {
    for (const id of ids) this.ids.add(id);
  }
  exists(id: bigint): boolean {
    return this.ids.has(id);
  }
}

export function openDb(path = ':memory:'): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  return db;
}

export function memStore(leases: LeaseLookup = new FakeLeases()): { db: Database.Database; store: MvccStore } {
  const db = openDb();
  return { db, store: new MvccStore(db, leases) };
}

/** A scratch directory removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'mvcc-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`unexpected error ${r.error.kind}`);
  return r.value;
}

export function rangeReq(key: string | Buffer, rangeEnd: string | Buffer = '', o: Partial<RangeRequest> = {}): RangeRequest {
  return {
    key: typeof key === 'string' ? b(key) : key,
    rangeEnd: typeof rangeEnd === 'string' ? b(rangeEnd) : rangeEnd,
    limit: 0,
    revision: 0,
    sortOrder: 'none',
    sortTarget: 'key',
    keysOnly: false,
    countOnly: false,
    minModRevision: 0,
    maxModRevision: 0,
    minCreateRevision: 0,
    maxCreateRevision: 0,
    ...o,
  };
}

export function putReq(key: string, value: string, o: Partial<PutRequest> = {}): PutRequest {
  return { key: b(key), value: b(value), lease: 0n, prevKv: false, ignoreValue: false, ignoreLease: false, ...o };
}

export function delReq(key: string, rangeEnd: string | Buffer = '', prevKv = false): DeleteRangeRequest {
  return { key: b(key), rangeEnd: typeof rangeEnd === 'string' ? b(rangeEnd) : rangeEnd, prevKv };
}

export function cmp(key: string, target: Compare['target'], result: Compare['result'], operand: number | string | bigint, rangeEnd = ''): Compare {
  return {
    key: b(key),
    rangeEnd: b(rangeEnd),
    target,
    result,
    number: typeof operand === 'number' ? operand : 0,
    value: typeof operand === 'string' ? b(operand) : Buffer.alloc(0),
    lease: typeof operand === 'bigint' ? operand : 0n,
  };
}

export const op = {
  range: (r: RangeRequest): RequestOp => ({ type: 'range', range: r }),
  put: (p: PutRequest): RequestOp => ({ type: 'put', put: p }),
  del: (d: DeleteRangeRequest): RequestOp => ({ type: 'delete', deleteRange: d }),
  txn: (t: TxnRequest): RequestOp => ({ type: 'txn', txn: t }),
};

export function txnReq(compare: Compare[], success: RequestOp[], failure: RequestOp[] = []): TxnRequest {
  return { compare, success, failure };
}

/** Keys of a range result as strings. */
export function keysOf(store: MvccStore, req: RangeRequest): string[] {
  return unwrap(store.range(req)).kvs.map((kv) => kv.key.toString());
}

export function put(store: MvccStore, key: string, value: string, o: Partial<PutRequest> = {}): number {
  return unwrap(store.put(putReq(key, value, o))).revision;
}

export function get(store: MvccStore, key: string, revision = 0) {
  return unwrap(store.range(rangeReq(key, '', { revision }))).kvs[0];
}
