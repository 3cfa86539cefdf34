// Everything the client port serves over HTTP/1.1, put together for ClientServer: the HTTP
// front, the JSON gateway it routes /v3/ to, and the metrics registry (which also counts the
// gRPC calls, through a server interceptor).
import net from 'node:net';
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { JsonGateway } from '../gateway/gateway.js';
import type { ListenAddress } from '../h2/client-front.js';
import { API_VERSION } from '../maintenance-service.js';
import { grpcHandledInterceptor } from '../metrics/grpc-metrics.js';
import { metricsRegistry, type Metrics } from '../metrics/metrics.js';
import { HttpFront } from './http-front.js';

/** What /version reports as the cluster version: etcd's, for a cluster of 3.4 members. */
const CLUSTER_VERSION = '3.4.0';

export interface ClientHttpDeps {
  metrics: Metrics;
  /** Alarms raised anywhere in the cluster; /health fails while there is one. */
  alarmCount: () => number;
}

export class ClientHttp {
  readonly interceptor: grpc.ServerInterceptor;
  private readonly gateway = new JsonGateway();
  private readonly front: HttpFront;

  constructor(deps: ClientHttpDeps, logger: Logger) {
    // etcd labels its cluster version major.minor.
    const registry = metricsRegistry(deps.metrics, { server: API_VERSION, cluster: CLUSTER_VERSION.replace(/\.0$/, '') });
    this.interceptor = grpcHandledInterceptor(registry);
    this.front = new HttpFront(
      {
        healthy: () => deps.metrics.hasLeader() && deps.alarmCount() === 0,
        versions: { etcdserver: API_VERSION, etcdcluster: CLUSTER_VERSION },
        metrics: registry,
        gateway: this.gateway,
      },
      logger,
    );
  }

  accept(socket: net.Socket): void {
    this.front.accept(socket);
  }

  /** The gateway dials the member's own client port at `a` (a wildcard address through loopback). */
  connect(a: ListenAddress): void {
    let host = a.host;
    if (host === '0.0.0.0') host = '127.0.0.1';
    if (host === '::') host = '::1';
    this.gateway.connect(net.isIPv6(host) ? `[${host}]:${a.port}` : `${host}:${a.port}`);
  }

  close(): void {
    this.gateway.close();
    this.front.close();
  }
}
