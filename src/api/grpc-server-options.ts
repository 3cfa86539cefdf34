import type * as grpc from '@grpc/grpc-js';
import type { GrpcServerSettings } from '../server/ops-config.js';

/**
 * grpc-js server options for etcd's --grpc-keepalive-interval, --grpc-keepalive-timeout and
 * --max-concurrent-streams. A 0 interval leaves keepalive pings off; a 0 timeout keeps gRPC's 20 s.
 */
export function grpcServerOptions(s: GrpcServerSettings): grpc.ServerOptions {
  const o: grpc.ServerOptions = { 'grpc.max_concurrent_streams': s.maxConcurrentStreams };
  if (s.keepaliveIntervalMs > 0) o['grpc.keepalive_time_ms'] = s.keepaliveIntervalMs;
  if (s.keepaliveTimeoutMs > 0) o['grpc.keepalive_timeout_ms'] = s.keepaliveTimeoutMs;
  return o;
}
