// Everything the client port serves over HTTP/1.1, put together for ClientServer: the HTTP
// front, the JSON gateway it routes /v3/ to, and the metrics registry (which also counts the
// gRPC calls, through a server interceptor).
import { readFileSync } from 'node:fs';
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { JsonGateway } from '../gateway/gateway.js';
import type { ListenAddress } from '../h2/client-front.js';
import { API_VERSION } from '../maintenance-service.js';
import { grpcMetrics } from '../metrics/grpc-metrics.js';
import { metricsRegistry, type Metrics } from '../metrics/metrics.js';
import type { TlsSettings } from '../../tls/settings.js';
import { Console, type ConsoleDeps } from '../console/console.js';
import { HttpFront, type HttpApi } from './http-front.js';
import { MetricsListener } from './metrics-listener.js';
import { Monitoring } from './monitoring.js';
import type { Probes } from './probes.js';

/** What /version reports as the cluster version: etcd's, for a cluster of 3.4 members. */
const CLUSTER_VERSION = '3.4.0';

export interface ClientHttpDeps {
  metrics: Metrics;
  /** Alarms raised anywhere in the cluster; /health fails while there is one. */
  alarmCount: () => number;
  /** --listen-metrics-urls, and the probes served there. */
  metricsUrls?: readonly string[];
  probes?: Probes;
  /** The client certificate, for https:// metrics URLs. */
  tls?: TlsSettings;
  /** --enable-pprof. */
  pprof?: HttpApi['pprof'];
  /** --max-request-bytes: bounds the JSON a gateway request may send. */
  maxRequestBytes: number;
  /** The web console (--enable-ui); undefined turns /ui off. */
  console?: ConsoleDeps;
}

export class ClientHttp {
  readonly interceptor: grpc.ServerInterceptor;
  /** Counts a stream message sent past grpc-js, for grpc_server_msg_sent_total. */
  readonly countSent: (path: string) => void;
  private readonly gateway: JsonGateway;
  private readonly front: HttpFront;
  private readonly console: Console | undefined;
  private readonly metricsListener: MetricsListener | undefined;

  constructor(
    private readonly deps: ClientHttpDeps,
    logger: Logger,
  ) {
    this.gateway = new JsonGateway(deps.maxRequestBytes);
    // etcd labels its cluster version major.minor.
    const registry = metricsRegistry(deps.metrics, { server: API_VERSION, cluster: CLUSTER_VERSION.replace(/\.0$/, '') });
    const grpcCounts = grpcMetrics(registry);
    this.interceptor = grpcCounts.interceptor;
    this.countSent = grpcCounts.countSent;
    const healthy = (): boolean => deps.metrics.hasLeader() && deps.alarmCount() === 0;
    this.console = deps.console === undefined ? undefined : new Console(deps.console, registry, logger);
    this.front = new HttpFront({
      monitoring: new Monitoring({ healthy, metrics: registry }, logger),
      versions: { etcdserver: API_VERSION, etcdcluster: CLUSTER_VERSION },
      gateway: this.gateway,
      pprof: deps.pprof,
      console: this.console,
    }, logger);
    const urls = deps.metricsUrls ?? [];
    this.metricsListener =
      urls.length === 0 ? undefined : new MetricsListener(urls, new Monitoring({ healthy, metrics: registry, probes: deps.probes }, logger), deps.tls, logger);
  }

  /** Starts the --listen-metrics-urls listeners. */
  async runMetrics(): Promise<void> {
    await this.metricsListener?.run();
  }

  accept(socket: net.Socket): void {
    this.front.accept(socket);
  }

  /**
   * The gateway dials the member's own client port at `a` (a wildcard address through loopback).
   * An https-only member is dialled over TLS as etcd's gateway dials itself: with the member's own
   * certificate as client certificate (for --client-cert-auth), not verifying its own server.
   */
  connect(a: ListenAddress, secure: boolean): void {
    let host = a.host;
    if (host === '0.0.0.0') host = '127.0.0.1';
    if (host === '::') host = '::1';
    const target = net.isIPv6(host) ? `[${host}]:${a.port}` : `${host}:${a.port}`;
    const tls = this.deps.tls;
    if (!secure || tls === undefined) {
      this.gateway.connect(target);
      this.console?.connect(target, grpc.credentials.createInsecure());
      return;
    }
    const ca = tls.trustedCaFile === '' ? null : readFileSync(tls.trustedCaFile);
    const creds = grpc.credentials.createSsl(ca, readFileSync(tls.keyFile), readFileSync(tls.certFile), { rejectUnauthorized: false });
    this.gateway.connect(target, creds);
    this.console?.connect(target, creds);
  }

  close(): void {
    this.gateway.close();
    this.console?.close();
    this.front.close();
    void this.metricsListener?.stop();
  }
}
