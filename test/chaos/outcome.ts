// Client errors as history outcomes. Only errors that prove the request was
// not applied are 'fail'; everything else (timeouts, UNAVAILABLE, a lost
// connection, "no leader") is 'info', because the request may already be in
// the Raft log and take effect later.
import * as grpc from '@grpc/grpc-js';
import { EtcdClientError, neverSent } from '../../src/client/index.js';
import type { Outcome } from './history.js';

const DEFINITE = new Set<grpc.status>([
  grpc.status.INVALID_ARGUMENT,
  grpc.status.FAILED_PRECONDITION,
  grpc.status.NOT_FOUND,
  grpc.status.OUT_OF_RANGE,
]);

export function classify(e: unknown): { outcome: Exclude<Outcome, 'ok'>; error: string } {
  if (e instanceof EtcdClientError) {
    const definite = DEFINITE.has(e.code) || neverSent(e);
    return { outcome: definite ? 'fail' : 'info', error: `${e.codeName}: ${e.details}` };
  }
  return { outcome: 'info', error: e instanceof Error ? e.message : String(e) };
}

/** A lease that the server no longer knows (keep-alive or revoke after expiry). */
export function isLeaseNotFound(e: unknown): boolean {
  return e instanceof EtcdClientError && e.code === grpc.status.NOT_FOUND;
}
