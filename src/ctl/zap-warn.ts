// etcd's Go client logs every failed unary call (its retry interceptor) as a
// zap JSON line on stderr before etcdctl reports the error; raftkvctl prints
// the same line.
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { EtcdClientError } from '../client/errors.js';
import { clientErrorMessage } from './call-errors.js';

/** grpc-go's names for status codes (codes.Code.String()). */
function goCodeName(code: grpc.status): string {
  if (code === grpc.status.CANCELLED) return 'Canceled';
  const name = grpc.status[code] ?? 'Unknown';
  return name
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

// One client per process in etcdctl, so one target name.
const CLIENT_ID = randomUUID();

export function retryWarnLine(e: EtcdClientError, now = new Date()): string {
  const unreachable = e.code === grpc.status.UNAVAILABLE && !e.details.startsWith('etcdserver:');
  const message = unreachable ? 'latest balancer error: all SubConns are in TransientFailure' : clientErrorMessage(e);
  const code = unreachable || message === 'context deadline exceeded' ? 'DeadlineExceeded' : goCodeName(e.code);
  const line = {
    level: 'warn',
    ts: now.toISOString(),
    caller: 'clientv3/retry_interceptor.go:62',
    msg: 'retrying of unary invoker failed',
    target: `endpoint://client-${CLIENT_ID}/${e.endpoint}`,
    attempt: 0,
    error: `rpc error: code = ${code} desc = ${message}`,
  };
  return `${JSON.stringify(line)}\n`;
}

/** Logs a failed unary call as etcd's client does; other errors pass silently. */
export function logFailedCall(e: unknown): void {
  if (e instanceof EtcdClientError) process.stderr.write(retryWarnLine(e));
}
