import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { asUnknown, fromServerError, toStatus, type EtcdError } from './errors.js';
import type { Credentials } from '../auth/guard.js';
import type { ServerError } from '../server/errors.js';
import { certCnOf } from './cert-identity.js';

export type Reply<T> = { ok: true; value: T } | { ok: false; error: EtcdError };

export function reply<T>(value: T): Reply<T> {
  return { ok: true, value };
}

export function reject<T>(error: EtcdError | ServerError): Reply<T> {
  return { ok: false, error: 'kind' in error ? fromServerError(error) : error };
}

/**
 * A failure as etcd's lock and election servers pass it on: they call the server through a Go
 * client, whose errors reach gRPC as plain errors, so every code becomes Unknown.
 */
export function asPlainError<T>(r: { ok: false; error: EtcdError }): Reply<T> {
  return { ok: false, error: asUnknown(r.error) };
}

/**
 * Adapts an async handler to grpc-js. A bug in a handler becomes an INTERNAL status for that
 * call, never a crashed process.
 */
export function unary<Req, Res>(
  logger: Logger,
  fn: (req: Req, meta: grpc.Metadata) => Promise<Reply<Res>>,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    fn(call.request, call.metadata).then(
      (r) => {
        if (r.ok) callback(null, r.value);
        else callback(toStatus(r.error));
      },
      (err: unknown) => {
        logger.error({ err, method: call.getPath() }, 'handler failed');
        callback({ code: 13, details: err instanceof Error ? err.message : String(err) });
      },
    );
  };
}

/** A call's context, as Go's ctx: aborted when the caller cancels or goes away, or at its deadline. */
export interface CallContext {
  signal: AbortSignal;
  /** The handler is done with the call: no more deadline timer. */
  done(): void;
}

export function callContext(call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>): CallContext {
  const ac = new AbortController();
  call.on('cancelled', () => ac.abort());
  // grpc-js answers DEADLINE_EXCEEDED at the deadline without telling the handler.
  const deadline = call.getDeadline();
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  const timer = Number.isFinite(at) ? setTimeout(() => ac.abort(), Math.max(0, at - Date.now())) : undefined;
  return { signal: ac.signal, done: () => clearTimeout(timer) };
}

/** Like unary, for handlers that wait on others (lock, election): `signal` is the call's context. */
export function cancellableUnary<Req, Res>(
  logger: Logger,
  fn: (req: Req, meta: grpc.Metadata, signal: AbortSignal) => Promise<Reply<Res>>,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const ctx = callContext(call);
    const respond: grpc.sendUnaryData<Res> = (err, value) => {
      ctx.done();
      callback(err, value);
    };
    unary<Req, Res>(logger, (req, meta) => fn(req, meta, ctx.signal))(call, respond);
  };
}

/**
 * Who a call says it is: the auth token a client sent in its call metadata (etcd's `token` key),
 * and the CN of its verified TLS client certificate (see cert-identity.ts), when there are.
 */
export function credentialsOf(meta: grpc.Metadata): Credentials {
  const token = meta.get('token')[0];
  return { token: token === undefined ? undefined : token.toString(), certCn: certCnOf(meta) };
}
