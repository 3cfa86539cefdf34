// The server metrics of go-grpc-prometheus, which etcd exports: calls started and handled (by
// status code name), and stream messages received and sent, by service, method and type.
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

/** A server interceptor that counts every call into `registry`. */
export function grpcHandledInterceptor(registry: Registry): grpc.ServerInterceptor {
  const handled = new Counter({
    name: 'grpc_server_handled_total',
    help: 'Total number of RPCs completed on the server, regardless of success or failure.',
    labelNames: ['grpc_code', 'grpc_method', 'grpc_service', 'grpc_type'],
    registers: [registry],
  });
  const labelNames = ['grpc_method', 'grpc_service', 'grpc_type'];
  const started = new Counter({
    name: 'grpc_server_started_total',
    help: 'Total number of RPCs started on the server.',
    labelNames,
    registers: [registry],
  });
  const received = new Counter({
    name: 'grpc_server_msg_received_total',
    help: 'Total number of RPC stream messages received on the server.',
    labelNames,
    registers: [registry],
  });
  const sent = new Counter({
    name: 'grpc_server_msg_sent_total',
    help: 'Total number of gRPC stream messages sent by the server.',
    labelNames,
    registers: [registry],
  });
  // Label lookups are done once per method, not per call.
  interface MethodCounters {
    labels: Record<string, string>;
    started: Counter.Internal;
    received: Counter.Internal;
    sent: Counter.Internal;
  }
  const methods = new Map<string, MethodCounters>();
  const countersOf = (d: { path: string; requestStream: boolean; responseStream: boolean }): MethodCounters => {
    let m = methods.get(d.path);
    if (m === undefined) {
      const slash = d.path.lastIndexOf('/');
      const labels = { grpc_service: d.path.slice(1, slash), grpc_method: d.path.slice(slash + 1), grpc_type: typeOf(d) };
      m = { labels, started: started.labels(labels), received: received.labels(labels), sent: sent.labels(labels) };
      methods.set(d.path, m);
    }
    return m;
  };
  return (descriptor, call) => {
    const m = countersOf(descriptor);
    m.started.inc();
    return new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMessage: (message, pass) => {
            m.received.inc();
            pass(message);
          },
        }),
      sendMessage: (message, next) => {
        m.sent.inc();
        next(message);
      },
      sendStatus: (status, next) => {
        handled.inc({ ...m.labels, grpc_code: CODE_NAMES[status.code ?? 2] ?? 'Unknown' });
        next(status);
      },
    });
  };
}
