// The messages etcdctl shows for failed calls (kept apart from exit.ts, which
// every command loads, because they need the gRPC client).
import * as grpc from '@grpc/grpc-js';
import { EtcdClientError } from '../client/errors.js';
import { CtlError, ExitCode } from './exit.js';

/**
 * The message etcdctl shows for a failed call: etcd's own text, except that a
 * server nobody could reach is reported as etcd's client does, as a deadline.
 */
export function clientErrorMessage(e: EtcdClientError): string {
  if (e.code === grpc.status.DEADLINE_EXCEEDED) return 'context deadline exceeded';
  if (e.code === grpc.status.UNAVAILABLE && !e.details.startsWith('etcdserver:')) return 'context deadline exceeded';
  return e.message;
}

export function errorMessage(e: unknown): string {
  if (e instanceof EtcdClientError) return clientErrorMessage(e);
  return e instanceof Error ? e.message : String(e);
}

/** A failed call as a CtlError: `wrap` rewords the message (e.g. "failed to revoke lease (%s)"). */
export function callFailed(e: unknown, exitCode: number = ExitCode.Error, wrap?: (msg: string) => string): CtlError {
  if (e instanceof CtlError) return e;
  const msg = errorMessage(e);
  return new CtlError(wrap ? wrap(msg) : msg, exitCode);
}
