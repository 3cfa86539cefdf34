// etcdctl's exit codes and how errors are reported: "Error: <message>" on
// stderr, then exit with the code the failing step calls for.
import * as grpc from '@grpc/grpc-js';
import { EtcdClientError } from '../client/errors.js';

export const ExitCode = {
  Success: 0,
  Error: 1,
  BadConnection: 2,
  InvalidInput: 3,
  BadFeature: 4,
  Interrupted: 5,
  IO: 6,
  BadArgs: 128,
} as const;

/** An error that ends the command with a given exit code. */
export class CtlError extends Error {
  override readonly name = 'CtlError';

  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/**
 * Where etcdctl 3.4 crashes (a Go panic, exit status 2), raftkvctl ends the
 * same way, with the panic's first line and no stack.
 */
export class GoPanic extends CtlError {
  constructor(message: string) {
    super(message, 2);
  }
}

export function badArgs(message: string): CtlError {
  return new CtlError(message, ExitCode.BadArgs);
}

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
