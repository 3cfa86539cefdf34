import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import * as rpc from '../gen/etcdserverpb.js';
import * as health from '../gen/grpc_health_v1.js';
import type { TlsSettings } from '../tls/settings.js';
import { authService, type AuthDeps } from './auth-service.js';
import { certIdentity } from './cert-identity.js';
import { clusterService, type ClusterDeps } from './cluster-service.js';
import { ClientFront, formatAddress } from './h2/client-front.js';
import { healthService } from './health-service.js';
import { kvService, type KvDeps } from './kv-service.js';
import { leaseService, type LeaseDeps } from './lease-service.js';
import { maintenanceService, type MaintenanceDeps } from './maintenance-service.js';
import { watchService, type WatchDeps } from './watch-service.js';

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
}

/** etcd lets a gRPC message exceed --max-request-bytes by this much before gRPC itself refuses it. */
const GRPC_OVERHEAD_BYTES = 512 * 1024;
/** How long stop() lets in-flight calls finish before cutting connections. */
const SHUTDOWN_GRACE_MS = 2000;

// The client port: etcd's v3 gRPC services plus grpc.health.v1. Connections
// are accepted by ClientFront (not bindAsync), which fixes up the :authority
// that etcdctl's per-endpoint commands send before nghttp2 sees it.
export class ClientServer {
  private readonly grpcServer: grpc.Server;
  private readonly front: ClientFront;
  private readonly stopWatches: () => void;

  constructor(
    private readonly api: ClientApi,
    private readonly logger: Logger,
  ) {
    this.grpcServer = new grpc.Server({
      'grpc.max_receive_message_length': api.maxRequestBytes + GRPC_OVERHEAD_BYTES,
      'grpc.max_send_message_length': 2 ** 31 - 1,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.http2.min_ping_interval_without_data_ms': 5000,
      // Only TLS connections carry certificates; plain ones skip the interceptor's per-call cost.
      interceptors: api.tls === undefined ? [] : [certIdentity],
    });
    const watch = watchService(api.watch, logger);
    this.stopWatches = watch.stop;
    this.grpcServer.addService(rpc.KVService, kvService(api.kv, logger));
    this.grpcServer.addService(rpc.WatchService, watch.handlers);
    this.grpcServer.addService(rpc.LeaseService, leaseService(api.lease, logger));
    this.grpcServer.addService(rpc.ClusterService, clusterService(api.cluster, logger));
    this.grpcServer.addService(rpc.MaintenanceService, maintenanceService(api.maintenance, logger));
    this.grpcServer.addService(rpc.AuthService, authService(api.auth, logger));
    this.grpcServer.addService(health.HealthService, healthService(api.running));
    this.front = new ClientFront(this.grpcServer, logger, undefined, api.tls);
  }

  async run(): Promise<void> {
    for (const url of this.api.listenUrls) {
      for (const addr of await this.front.listen(url)) {
        this.logger.info({ address: formatAddress(addr) }, 'serving client requests');
      }
    }
  }

  async stop(): Promise<void> {
    this.stopWatches();
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
