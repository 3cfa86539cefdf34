import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import * as rpc from '../gen/etcdserverpb.js';
import * as health from '../gen/grpc_health_v1.js';
import type { EtcdServer } from '../server/etcd-server.js';
import { clusterService } from './cluster-service.js';
import { healthService } from './health-service.js';
import { kvService } from './kv-service.js';
import { leaseService } from './lease-service.js';
import { maintenanceService } from './maintenance-service.js';
import { watchService } from './watch-service.js';

/** etcd lets a gRPC message exceed --max-request-bytes by this much before gRPC itself refuses it. */
const GRPC_OVERHEAD_BYTES = 512 * 1024;

/** "http://127.0.0.1:2379" -> "127.0.0.1:2379", the address form grpc-js binds. */
export function hostPort(url: string): string {
  const u = new URL(url);
  if (u.protocol !== 'http:') throw new Error(`unsupported URL scheme in ${url} (only http is supported)`);
  return u.host;
}

// The client port: etcd's v3 gRPC services plus grpc.health.v1.
export class ClientServer {
  private readonly grpcServer: grpc.Server;
  private readonly stopWatches: () => void;

  constructor(
    private readonly server: EtcdServer,
    private readonly logger: Logger,
  ) {
    this.grpcServer = new grpc.Server({
      'grpc.max_receive_message_length': server.config.maxRequestBytes + GRPC_OVERHEAD_BYTES,
      'grpc.max_send_message_length': 2 ** 31 - 1,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.http2.min_ping_interval_without_data_ms': 5000,
    });
    const watch = watchService(server, logger);
    this.stopWatches = watch.stop;
    this.grpcServer.addService(rpc.KVService, kvService(server, logger));
    this.grpcServer.addService(rpc.WatchService, watch.handlers);
    this.grpcServer.addService(rpc.LeaseService, leaseService(server, logger));
    this.grpcServer.addService(rpc.ClusterService, clusterService(server, logger));
    this.grpcServer.addService(rpc.MaintenanceService, maintenanceService(server, logger));
    this.grpcServer.addService(health.HealthService, healthService(server));
  }

  async run(): Promise<void> {
    for (const url of this.server.config.listenClientUrls) {
      const addr = hostPort(url);
      await new Promise<void>((resolve, reject) => {
        this.grpcServer.bindAsync(addr, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve()));
      });
      this.logger.info({ address: addr }, 'serving client requests');
    }
  }

  async stop(): Promise<void> {
    this.stopWatches();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.grpcServer.forceShutdown();
        resolve();
      }, 2000);
      this.grpcServer.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
