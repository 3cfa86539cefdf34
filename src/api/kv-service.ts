import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { canDeleteRange, canPut, canRange, canTxn } from '../auth/guard.js';
import type * as rpc from '../gen/etcdserverpb.js';
import type { EtcdServer } from '../server/etcd-server.js';
import { isReadOnlyTxn, toRange, toTxn } from '../wire/requests.js';
import { fromDeleteRange, fromPut, fromRange, fromTxn } from '../wire/responses.js';
import { reject, reply, tokenOf, unary, type Reply } from './handler.js';
import { makeHeader } from './header.js';
import { checkDeleteRange, checkPut, checkRange, checkTxn } from './validate.js';

// etcdserverpb.KV: validation, then the server, then etcd's response shape.
export function kvService(server: EtcdServer, logger: Logger): rpc.KVHandlers {
  const maxTxnOps = server.config.maxTxnOps;
  const auth = server.auth;

  async function range(req: rpc.RangeRequest, meta: grpc.Metadata): Promise<Reply<rpc.RangeResponseInit>> {
    const err = checkRange(req) ?? canRange(auth, tokenOf(meta), req);
    if (err !== undefined) return reject(err);
    const r = await server.range(toRange(req), req.serializable);
    if (!r.ok) return reject(r.error);
    return reply({ header: makeHeader(server, r.value.revision), ...fromRange(r.value) });
  }

  async function put(req: rpc.PutRequest, meta: grpc.Metadata): Promise<Reply<rpc.PutResponseInit>> {
    const err = checkPut(req) ?? canPut(auth, tokenOf(meta), req);
    if (err !== undefined) return reject(err);
    const r = await server.put(req);
    if (!r.ok) return reject(r.error);
    const v = r.value.value;
    return reply({ header: makeHeader(server, r.value.revision), ...(v.type === 'put' ? fromPut(v.put) : {}) });
  }

  async function deleteRange(req: rpc.DeleteRangeRequest, meta: grpc.Metadata): Promise<Reply<rpc.DeleteRangeResponseInit>> {
    const err = checkDeleteRange(req) ?? canDeleteRange(auth, tokenOf(meta), req);
    if (err !== undefined) return reject(err);
    const r = await server.deleteRange(req);
    if (!r.ok) return reject(r.error);
    const v = r.value.value;
    return reply({ header: makeHeader(server, r.value.revision), ...(v.type === 'delete' ? fromDeleteRange(v.deleteRange) : {}) });
  }

  async function txn(req: rpc.TxnRequest, meta: grpc.Metadata): Promise<Reply<rpc.TxnResponseInit>> {
    const err = checkTxn(req, maxTxnOps) ?? canTxn(auth, tokenOf(meta), req);
    if (err !== undefined) return reject(err);
    if (isReadOnlyTxn(req)) {
      const r = await server.readOnlyTxn(toTxn(req));
      if (!r.ok) return reject(r.error);
      return reply({ header: makeHeader(server, r.value.revision), ...fromTxn(r.value.txn, { revision: r.value.revision }) });
    }
    const r = await server.txn(req);
    if (!r.ok) return reject(r.error);
    const v = r.value.value;
    const revision = r.value.revision;
    return reply({ header: makeHeader(server, revision), ...(v.type === 'txn' ? fromTxn(v.txn, { revision }) : {}) });
  }

  // etcd 3.4 lets any client compact, with or without auth.
  async function compact(req: rpc.CompactionRequest): Promise<Reply<rpc.CompactionResponseInit>> {
    const r = await server.compact(req);
    if (!r.ok) return reject(r.error);
    return reply({ header: makeHeader(server, r.value.revision) });
  }

  return {
    Range: unary(logger, range),
    Put: unary(logger, put),
    DeleteRange: unary(logger, deleteRange),
    Txn: unary(logger, txn),
    Compact: unary(logger, compact),
  };
}
