// grpc_server_handled_total as go-grpc-prometheus names it: one count per completed RPC, by
// service, method, type and status code name.
import * as grpc from '@grpc/grpc-js';
import { Counter, type Registry } from 'prom-client';

const CODE_NAMES: Record<number, string> = {
  0: 'OK',
  1: 'Canceled',
  2: 'Unknown',
  3: 'InvalidArgument',
  4: 'DeadlineExceeded',
  5: 'NotFound',
  6: 'AlreadyExists',
  7: 'PermissionDenied',
  8: 'ResourceExhausted',
  9: 'FailedPrecondition',
  10: 'Aborted',
  11: 'OutOfRange',
  12: 'Unimplemented',
  13: 'Internal',
  14: 'Unavailable',
  15: 'DataLoss',
  16: 'Unauthenticated',
};

function typeOf(d: { requestStream: boolean; responseStream: boolean }): string {
  if (d.requestStream) return d.responseStream ? 'bidi_stream' : 'client_stream';
  return d.responseStream ? 'server_stream' : 'unary';
}

/** A server interceptor that counts every call's final status into `registry`. */
export function grpcHandledInterceptor(registry: Registry): grpc.ServerInterceptor {
  const handled = new Counter({
    name: 'grpc_server_handled_total',
    help: 'Total number of RPCs completed on the server, regardless of success or failure.',
    labelNames: ['grpc_code', 'grpc_method', 'grpc_service', 'grpc_type'],
    registers: [registry],
  });
  return (descriptor, call) => {
    const slash = descriptor.path.lastIndexOf('/');
    const labels = {
      grpc_service: descriptor.path.slice(1, slash),
      grpc_method: descriptor.path.slice(slash + 1),
      grpc_type: typeOf(descriptor),
    };
    return new grpc.ServerInterceptingCall(call, {
      sendStatus: (status, next) => {
        handled.inc({ ...labels, grpc_code: CODE_NAMES[status.code ?? 2] ?? 'Unknown' });
        next(status);
      },
    });
  };
}
