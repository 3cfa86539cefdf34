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

/** One method's counts; prom-client reads them at scrape time (`collect`), not per message. */
interface MethodCounts {
  labels: Record<'grpc_method' | 'grpc_service' | 'grpc_type', string>;
  started: number;
  received: number;
  sent: number;
  /** Handled calls by status code. */
  handled: number[];
}

export interface GrpcMetrics {
  /** Counts every call. */
  interceptor: grpc.ServerInterceptor;
  /** Counts a message a handler sent past grpc-js (raw-stream-tap.ts) on a call to `path`. */
  countSent(path: string): void;
}

/** go-grpc-prometheus's server counters in `registry`. */
export function grpcMetrics(registry: Registry): GrpcMetrics {
  const methods = new Map<string, MethodCounts>();
  const labelNames = ['grpc_method', 'grpc_service', 'grpc_type'];
  const counter = (name: string, help: string, value: (m: MethodCounts) => number): void => {
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const m of methods.values()) this.inc(m.labels, value(m));
      },
    });
  };
  new Counter({
    name: 'grpc_server_handled_total',
    help: 'Total number of RPCs completed on the server, regardless of success or failure.',
    labelNames: ['grpc_code', 'grpc_method', 'grpc_service', 'grpc_type'],
    registers: [registry],
    collect() {
      this.reset();
      for (const m of methods.values()) {
        m.handled.forEach((n, code) => {
          if (n > 0) this.inc({ ...m.labels, grpc_code: CODE_NAMES[code] ?? 'Unknown' }, n);
        });
      }
    },
  });
  counter('grpc_server_started_total', 'Total number of RPCs started on the server.', (m) => m.started);
  counter('grpc_server_msg_received_total', 'Total number of RPC stream messages received on the server.', (m) => m.received);
  counter('grpc_server_msg_sent_total', 'Total number of gRPC stream messages sent by the server.', (m) => m.sent);
  const countsOf = (d: { path: string; requestStream: boolean; responseStream: boolean }): MethodCounts => {
    let m = methods.get(d.path);
    if (m === undefined) {
      const slash = d.path.lastIndexOf('/');
      const labels = { grpc_service: d.path.slice(1, slash), grpc_method: d.path.slice(slash + 1), grpc_type: typeOf(d) };
      m = { labels, started: 0, received: 0, sent: 0, handled: [] };
      methods.set(d.path, m);
    }
    return m;
  };
  const interceptor: grpc.ServerInterceptor = (descriptor, call) => {
    const m = countsOf(descriptor);
    m.started++;
    return new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMessage: (message, pass) => {
            m.received++;
            pass(message);
          },
        }),
      sendMessage: (message, next) => {
        m.sent++;
        next(message);
      },
      sendStatus: (status, next) => {
        const code = status.code ?? 2;
        m.handled[code] = (m.handled[code] ?? 0) + 1;
        next(status);
      },
    });
  };
  return {
    interceptor,
    countSent: (path) => {
      const m = methods.get(path);
      if (m !== undefined) m.sent++;
    },
  };
}
