import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import * as rpc from '../gen/etcdserverpb.js';
import * as health from '../gen/grpc_health_v1.js';
import type { GrpcServerSettings } from '../server/ops-config.js';
import * as v3electionpb from '../gen/v3electionpb.js';
import * as v3lockpb from '../gen/v3lockpb.js';
import { isHttps, type TlsSettings } from '../tls/settings.js';
import { authService, type AuthDeps } from './auth-service.js';
import { certIdentity } from './cert-identity.js';
import { clusterService, type ClusterDeps } from './cluster-service.js';
import { ClientFront, formatAddress, type ListenAddress } from './h2/client-front.js';
import { grpcServerOptions } from './grpc-server-options.js';
import { healthService } from './health-service.js';
import type { LeaderRequirement } from './require-leader.js';
import { ClientHttp } from './http/client-http.js';
import type { HttpApi } from './http/http-front.js';
import type { Probes } from './http/probes.js';
import type { ConsoleDeps } from './console/console.js';
import { electionService } from './election-service.js';
import { kvCalls, kvService, type KvDeps } from './kv-service.js';
import { leaseGrantCall, leaseService, type LeaseDeps } from './lease-service.js';
import { lockService } from './lock-service.js';
import { maintenanceService, type MaintenanceDeps } from './maintenance-service.js';
import type { Metrics } from './metrics/metrics.js';
import { rawStreamOf, rawStreamTap } from './raw-stream-tap.js';
import { PreEncodedWatchService } from './watch-encoding.js';
import { watchService, type WatchDeps } from './watch-service.js';

const WATCH_PATH = PreEncodedWatchService.Watch.path;

/** Everything the client port's services need, handed over by the composition root. */
export interface ClientApi {
  listenUrls: string[];
  /** For https:// listen URLs; undefined when no certificate is configured. */
  tls?: TlsSettings;
  maxRequestBytes: number;
  kv: KvDeps;
  watch: WatchDeps;
  lease: LeaseDeps;
  cluster: ClusterDeps;
  maintenance: MaintenanceDeps;
  auth: AuthDeps;
  /** SERVING for grpc.health.v1 while true. */
  running: () => boolean;
  /** What /metrics and /health report. */
  metrics: Metrics;
  /** Keepalive and stream limits of the gRPC server (etcd's defaults when absent). */
  grpc?: GrpcServerSettings;
  /** --listen-metrics-urls and the /livez, /readyz checks served there. */
  metricsUrls?: readonly string[];
  probes?: Probes;
  /** --enable-pprof: /debug/pprof/ on the client port. */
  pprof?: HttpApi['pprof'];
  /** For hasleader=true streams: whether a leader is known, checked every election timeout. */
  leaderRequirement?: LeaderRequirement;
  /** The web console under /ui (--enable-ui); undefined: /ui is not found. */
  console?: ConsoleDeps;
}

/** etcd lets a gRPC message exceed --max-request-bytes by this much before gRPC itself refuses it. */
const GRPC_OVERHEAD_BYTES = 512 * 1024;
/** How long stop() lets in-flight calls finish before cutting connections. */
const SHUTDOWN_GRACE_MS = 2000;

// The client port: etcd's v3 gRPC services plus grpc.health.v1, and over HTTP/1.1 the JSON
// gateway, /health, /version and /metrics. Connections are accepted by ClientFront (not
// bindAsync), which fixes up the :authority that etcdctl's per-endpoint commands send before
// nghttp2 sees it, and hands HTTP/1.1 connections to ClientHttp.
export class ClientServer {
  private readonly grpcServer: grpc.Server;
  private readonly front: ClientFront;
  private readonly stopWatches: () => void;
  private readonly http: ClientHttp;

  constructor(
    private readonly api: ClientApi,
    private readonly logger: Logger,
  ) {
    this.http = new ClientHttp(
      {
        metrics: api.metrics,
        alarmCount: () => api.maintenance.alarms.list().length,
        metricsUrls: api.metricsUrls,
        probes: api.probes,
        tls: api.tls,
        pprof: api.pprof,
        maxRequestBytes: api.maxRequestBytes,
        console: api.console,
      },
      logger,
    );
    this.grpcServer = new grpc.Server({
      'grpc.max_receive_message_length': api.maxRequestBytes + GRPC_OVERHEAD_BYTES,
      'grpc.max_send_message_length': 2 ** 31 - 1,
      'grpc.keepalive_permit_without_calls': 1,
      ...(api.grpc === undefined ? {} : grpcServerOptions(api.grpc)),
      'grpc.http2.min_ping_interval_without_data_ms': 5000,
      // Metrics for every call; certificate identity only where connections can carry certificates.
      interceptors: [
        // First: grpc-js hands the first interceptor its own call object.
        rawStreamTap(WATCH_PATH),
        this.http.interceptor,
        ...(api.tls === undefined ? [] : [certIdentity]),
        ...(api.leaderRequirement === undefined ? [] : [api.leaderRequirement.unaryInterceptor]),
      ],
    });
    const direct = { streamOf: rawStreamOf, sent: () => this.http.countSent(WATCH_PATH) };
    const watch = watchService({ ...api.watch, direct }, logger);
    this.stopWatches = watch.stop;
    const kv = kvCalls(api.kv);
    this.grpcServer.addService(rpc.KVService, kvService(kv, logger));
    const lease = leaseService(api.lease, logger);
    const needLeader = api.leaderRequirement;
    this.grpcServer.addService(PreEncodedWatchService, needLeader === undefined ? watch.handlers : { Watch: needLeader.guard(watch.handlers['Watch'] as grpc.handleBidiStreamingCall<rpc.WatchRequest, Buffer>) });
    this.grpcServer.addService(rpc.LeaseService, needLeader === undefined ? lease : { ...lease, LeaseKeepAlive: needLeader.guard(lease.LeaseKeepAlive) });
    this.grpcServer.addService(rpc.ClusterService, clusterService(api.cluster, logger));
    this.grpcServer.addService(rpc.MaintenanceService, maintenanceService(api.maintenance, logger));
    this.grpcServer.addService(rpc.AuthService, authService(api.auth, logger));
    this.grpcServer.addService(health.HealthService, healthService(api.running));
    // Lock and election run etcd's concurrency recipes in-process, with each caller's credentials.
    const recipes = { header: api.kv.header, kv, grant: leaseGrantCall(api.lease), hub: api.watch.hub, auth: api.kv.auth };
    this.grpcServer.addService(v3lockpb.LockService, lockService(recipes, logger));
    this.grpcServer.addService(v3electionpb.ElectionService, electionService(recipes, logger));
    this.front = new ClientFront(this.grpcServer, logger, (socket) => this.http.accept(socket), api.tls);
  }

  async run(): Promise<void> {
    this.api.leaderRequirement?.run();
    // The gateway dials a plain listener if there is one, else a TLS one.
    let plain: ListenAddress | undefined;
    let secure: ListenAddress | undefined;
    for (const url of this.api.listenUrls) {
      const https = isHttps(url);
      for (const addr of await this.front.listen(url)) {
        if (https) secure ??= addr;
        else plain ??= addr;
        this.logger.info({ address: formatAddress(addr) }, 'serving client requests');
      }
    }
    if (plain !== undefined) this.http.connect(plain, false);
    else if (secure !== undefined) this.http.connect(secure, true);
    await this.http.runMetrics();
  }

  async stop(): Promise<void> {
    this.api.leaderRequirement?.stop();
    this.stopWatches();
    this.http.close();
    this.front.drain(SHUTDOWN_GRACE_MS);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.grpcServer.forceShutdown();
        resolve();
      }, SHUTDOWN_GRACE_MS);
      this.grpcServer.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    await this.front.destroy();
  }
}
