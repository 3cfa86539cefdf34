import * as grpc from '@grpc/grpc-js';

/** A failed call: the gRPC status code and etcd's message (the status details). */
export class EtcdClientError extends Error {
  override readonly name = 'EtcdClientError';

  constructor(
    readonly code: grpc.status,
    /** etcd's message, e.g. "etcdserver: requested lease not found". */
    readonly details: string,
    /** The endpoint the call went to. */
    readonly endpoint: string,
  ) {
    super(details !== '' ? details : `gRPC status ${grpc.status[code] ?? code}`);
  }

  get codeName(): string {
    return grpc.status[this.code] ?? String(this.code);
  }
}

function isServiceError(e: unknown): e is grpc.ServiceError {
  return e instanceof Error && typeof (e as Partial<grpc.ServiceError>).code === 'number';
}

/**
 * Whether a failed call provably never left this process: grpc-js could not connect at all (or
 * resolve the name). Any other failure, a channel that was not ready when the call started
 * included, may have delivered the request and lost only the response.
 */
export function neverSent(e: unknown): boolean {
  return e instanceof EtcdClientError && e.code === grpc.status.UNAVAILABLE && /^(No connection established|Name resolution failed)/.test(e.details);
}

/** Wraps whatever grpc-js threw or emitted; non-gRPC errors become UNKNOWN. */
export function toClientError(e: unknown, endpoint: string): EtcdClientError {
  if (e instanceof EtcdClientError) return e;
  if (isServiceError(e)) return new EtcdClientError(e.code, e.details ?? e.message, endpoint);
  return new EtcdClientError(grpc.status.UNKNOWN, e instanceof Error ? e.message : String(e), endpoint);
}
