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

/**
 * Like unary, for handlers that wait on others (lock, election): `signal` aborts when the caller
 * cancels or goes away.
 */
export function cancellableUnary<Req, Res>(
  logger: Logger,
  fn: (req: Req, meta: grpc.Metadata, signal: AbortSignal) => Promise<Reply<Res>>,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const ac = new AbortController();
    call.on('cancelled', () => ac.abort());
    unary<Req, Res>(logger, (req, meta) => fn(req, meta, ac.signal))(call, callback);
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
