import type * as grpc from '@grpc/grpc-js';
import * as health from '../gen/grpc_health_v1.js';

// The standard grpc.health.v1 service, as etcd registers it: SERVING while the server runs.
export function healthService(running: () => boolean): health.HealthHandlers {
  const status = (): health.HealthCheckResponse_ServingStatus =>
    running() ? health.HealthCheckResponse_ServingStatus.SERVING : health.HealthCheckResponse_ServingStatus.NOT_SERVING;

  const check: grpc.handleUnaryCall<health.HealthCheckRequest, health.HealthCheckResponseInit> = (_call, callback) => {
    callback(null, { status: status() });
  };

  const watch: grpc.handleServerStreamingCall<health.HealthCheckRequest, health.HealthCheckResponseInit> = (call) => {
    call.write({ status: status() });
  };

  return { Check: check, Watch: watch };
}
