import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type * as v3lockpb from '../gen/v3lockpb.js';
import { inProcessClient, type InProcessDeps } from './concurrency/in-process-client.js';
import { lock } from './concurrency/mutex.js';
import { sessionLease } from './concurrency/session.js';
import { asPlainError, cancellableUnary, reply, unary, type Reply } from './handler.js';

// v3lockpb.Lock: etcd's lock server, concurrency.Mutex run in-process for the caller.
export function lockService(d: InProcessDeps, logger: Logger): v3lockpb.LockHandlers {
  async function lockCall(req: v3lockpb.LockRequest, meta: grpc.Metadata, signal: AbortSignal): Promise<Reply<v3lockpb.LockResponseInit>> {
    const c = inProcessClient(d, meta);
    const lease = await sessionLease(c, req.lease);
    if (!lease.ok) return asPlainError(lease);
    const r = await lock(c, req.name, lease.value, signal);
    if (!r.ok) return asPlainError(r);
    return reply({ header: r.value.header, key: r.value.key });
  }

  async function unlock(req: v3lockpb.UnlockRequest, meta: grpc.Metadata): Promise<Reply<v3lockpb.UnlockResponseInit>> {
    const r = await inProcessClient(d, meta).deleteRange({ key: req.key });
    if (!r.ok) return asPlainError(r);
    return reply({ header: r.value.header });
  }

  return { Lock: cancellableUnary(logger, lockCall), Unlock: unary(logger, unlock) };
}
