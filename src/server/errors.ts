import type { AuthError } from '../auth/errors.js';
import type { MvccError } from '../mvcc/types.js';
import type { ProposeError } from './consensus.js';

// Failures the server reports as values. The api layer maps each kind to etcd's gRPC status and message.
export type ServerError =
  | MvccError
  | AuthError
  | { kind: 'lease_exists' }
  | { kind: 'lease_ttl_too_large' }
  | { kind: 'request_too_large' }
  | { kind: 'no_space' }
  /** The CORRUPT alarm is raised: etcd's corrupt applier refuses writes. */
  | { kind: 'corrupt' }
  | { kind: 'no_leader' }
  | { kind: 'not_leader' }
  | { kind: 'stopped' }
  | { kind: 'timeout' }
  | { kind: 'member_not_found' }
  | { kind: 'bad_leader_transferee' }
  | { kind: 'member_exists' }
  | { kind: 'peer_url_exists' }
  | { kind: 'member_bad_urls' }
  | { kind: 'not_enough_started_members' }
  | { kind: 'member_not_learner' }
  | { kind: 'learner_not_ready' }
  | { kind: 'too_many_learners' }
  | { kind: 'unhealthy' }
  /** The leader answered a forwarded request with this gRPC error. */
  | { kind: 'forwarded'; code: number; message: string };

export type ServerResult<T> = { ok: true; value: T } | { ok: false; error: ServerError };

export function ok<T>(value: T): ServerResult<T> {
  return { ok: true, value };
}

export function fail<T>(error: ServerError): ServerResult<T> {
  return { ok: false, error };
}

/** A consensus refusal as the client sees it; a busy leader that stayed busy is a timeout. */
export function fromProposeError(e: ProposeError): ServerError {
  return e.kind === 'busy' ? { kind: 'timeout' } : e;
}
