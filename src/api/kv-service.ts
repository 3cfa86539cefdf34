import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { canDeleteRange, canPut, canRange, canTxn, headerOf, staleAfterRead } from '../auth/guard.js';
import type * as rpc from '../gen/etcdserverpb.js';
import type { AuthStore } from '../auth/auth-store.js';
import type { KvReads } from '../server/kv-reads.js';
import type { Writes } from '../server/writes.js';
import { isReadOnlyTxn, toRange, toTxn } from '../wire/requests.js';
import { fromDeleteRange, fromPut, fromRange, fromTxn } from '../wire/responses.js';
import { reject, reply, credentialsOf, unary, type Reply } from './handler.js';
import { makeHeader, type HeaderSource } from './header.js';
import { checkDeleteRange, checkPut, checkRange, checkTxn } from './validate.js';

export interface KvDeps {
  header: HeaderSource;
  reads: KvReads;
  writes: Pick<Writes, 'put' | 'deleteRange' | 'txn' | 'compact'>;
  auth: AuthStore;
  maxTxnOps: number;
}

/** One KV call as the client port serves it, for in-process callers (the lock and election services). */
export type KvCall<Req, Res> = (req: Req, meta: grpc.Metadata) => Promise<Reply<Res>>;

export interface KvCalls {
  range: KvCall<rpc.RangeRequest, rpc.RangeResponseInit>;
  put: KvCall<rpc.PutRequest, rpc.PutResponseInit>;
  deleteRange: KvCall<rpc.DeleteRangeRequest, rpc.DeleteRangeResponseInit>;
  txn: KvCall<rpc.TxnRequest, rpc.TxnResponseInit>;
  compact: KvCall<rpc.CompactionRequest, rpc.CompactionResponseInit>;
}

// etcdserverpb.KV: validation, then the server, then etcd's response shape.
export function kvCalls(d: KvDeps): KvCalls {
  const { maxTxnOps, auth, reads, writes } = d;

  async function range(req: rpc.RangeRequest, meta: grpc.Metadata): Promise<Reply<rpc.RangeResponseInit>> {
    const err = checkRange(req) ?? canRange(auth, credentialsOf(meta), req);
    if (err !== undefined) return reject(err);
    const r = await reads.range(toRange(req), req.serializable);
    if (!r.ok) return reject(r.error);
    const stale = staleAfterRead(auth, credentialsOf(meta));
    if (stale !== undefined) return reject(stale);
    return reply({ header: makeHeader(d.header, r.value.revision), ...fromRange(r.value) });
  }

  async function put(req: rpc.PutRequest, meta: grpc.Metadata): Promise<Reply<rpc.PutResponseInit>> {
    const err = checkPut(req) ?? canPut(auth, credentialsOf(meta), req);
    if (err !== undefined) return reject(err);
    const r = await writes.put(req, headerOf(auth, credentialsOf(meta)));
    if (!r.ok) return reject(r.error);
    const v = r.value.value;
    return reply({ header: makeHeader(d.header, r.value.revision), ...(v.type === 'put' ? fromPut(v.put) : {}) });
  }

  async function deleteRange(req: rpc.DeleteRangeRequest, meta: grpc.Metadata): Promise<Reply<rpc.DeleteRangeResponseInit>> {
    const err = checkDeleteRange(req) ?? canDeleteRange(auth, credentialsOf(meta), req);
    if (err !== undefined) return reject(err);
    const r = await writes.deleteRange(req, headerOf(auth, credentialsOf(meta)));
    if (!r.ok) return reject(r.error);
    const v = r.value.value;
    return reply({ header: makeHeader(d.header, r.value.revision), ...(v.type === 'delete' ? fromDeleteRange(v.deleteRange) : {}) });
  }

  async function txn(req: rpc.TxnRequest, meta: grpc.Metadata): Promise<Reply<rpc.TxnResponseInit>> {
    const err = checkTxn(req, maxTxnOps) ?? canTxn(auth, credentialsOf(meta), req);
    if (err !== undefined) return reject(err);
    if (isReadOnlyTxn(req)) {
      const r = await reads.readOnlyTxn(toTxn(req));
      if (!r.ok) return reject(r.error);
      const stale = staleAfterRead(auth, credentialsOf(meta));
      if (stale !== undefined) return reject(stale);
      return reply({ header: makeHeader(d.header, r.value.revision), ...fromTxn(r.value.txn) });
    }
    const r = await writes.txn(req, headerOf(auth, credentialsOf(meta)));
    if (!r.ok) return reject(r.error);
    const v = r.value.value;
    const revision = r.value.revision;
    return reply({ header: makeHeader(d.header, revision), ...(v.type === 'txn' ? fromTxn(v.txn) : {}) });
  }

  // etcd 3.4 lets any client compact, with or without auth.
  async function compact(req: rpc.CompactionRequest): Promise<Reply<rpc.CompactionResponseInit>> {
    const r = await writes.compact(req);
    if (!r.ok) return reject(r.error);
    return reply({ header: makeHeader(d.header, r.value.revision) });
  }

  return { range, put, deleteRange, txn, compact };
}

export function kvService(calls: KvCalls, logger: Logger): rpc.KVHandlers {
  return {
    Range: unary(logger, calls.range),
    Put: unary(logger, calls.put),
    DeleteRange: unary(logger, calls.deleteRange),
    Txn: unary(logger, calls.txn),
    Compact: unary(logger, calls.compact),
  };
}
