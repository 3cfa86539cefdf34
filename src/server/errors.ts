import type { MvccError } from '../mvcc/types.js';

// Failures the server reports as values. The api layer maps each kind to etcd's gRPC status and message.
export type ServerError =
  | MvccError
  | { kind: 'lease_exists' }
  | { kind: 'lease_ttl_too_large' }
  | { kind: 'request_too_large' }
  | { kind: 'no_space' }
  | { kind: 'no_leader' }
  | { kind: 'not_leader' }
  | { kind: 'stopped' }
  | { kind: 'timeout' }
  | { kind: 'member_not_found' }
  | { kind: 'bad_leader_transferee' };

export type ServerResult<T> = { ok: true; value: T } | { ok: false; error: ServerError };

export function ok<T>(value: T): ServerResult<T> {
  return { ok: true, value };
}

export function fail<T>(error: ServerError): ServerResult<T> {
  return { ok: false, error };
}
