import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { canRevokeLease } from '../auth/guard.js';
import type * as rpc from '../gen/etcdserverpb.js';
import type { EtcdServer } from '../server/etcd-server.js';
import { reject, reply, tokenOf, unary, type Reply } from './handler.js';
import { makeHeader } from './header.js';

/** etcd's minimum lease TTL: 1.5 election timeouts, rounded up to whole seconds. */
export function minLeaseTtl(electionTimeoutMs: number): number {
  return Math.ceil((electionTimeoutMs * 1.5) / 1000);
}

// etcdserverpb.Lease. Grants and revokes go through the log; keep-alives and TTL reads are served
// by the member that keeps lease time.
export function leaseService(server: EtcdServer, logger: Logger): rpc.LeaseHandlers {
  const minTtl = minLeaseTtl(server.config.electionTimeoutMs);

  async function grant(req: rpc.LeaseGrantRequest): Promise<Reply<rpc.LeaseGrantResponseInit>> {
    const r = await server.leaseGrant(req, minTtl);
    if (!r.ok) return reject(r.error);
    const v = r.value.value;
    if (v.type !== 'lease_grant') return reject({ kind: 'stopped' });
    return reply({ header: makeHeader(server, r.value.revision), ID: v.id, TTL: v.ttl, error: '' });
  }

  async function revoke(req: rpc.LeaseRevokeRequest, meta: grpc.Metadata): Promise<Reply<rpc.LeaseRevokeResponseInit>> {
    const denied = canRevokeLease(server.auth, tokenOf(meta), () => server.store.leaseKeys(req.ID));
    if (denied !== undefined) return reject(denied);
    const r = await server.leaseRevoke(req.ID);
    if (!r.ok) return reject(r.error);
    return reply({ header: makeHeader(server, r.value.revision) });
  }

  async function timeToLive(req: rpc.LeaseTimeToLiveRequest): Promise<Reply<rpc.LeaseTimeToLiveResponseInit>> {
    const b = await server.readBarrier();
    if (!b.ok) return reject(b.error);
    if (!server.isLeader()) {
      // Remaining TTLs are known only where lease time is kept.
      const f = await server.forwarder.timeToLive(server.leader(), req.ID, req.keys);
      return f.ok ? reply({ ...f.value, header: makeHeader(server) }) : reject(f.error);
    }
    const t = server.lessor.timeToLive(req.ID);
    // etcd answers an unknown lease with TTL -1 rather than an error.
    if (t === undefined) return reply({ header: makeHeader(server), ID: req.ID, TTL: -1 });
    return reply({
      header: makeHeader(server),
      ID: req.ID,
      TTL: t.remaining,
      grantedTTL: t.granted,
      keys: req.keys ? server.store.leaseKeys(req.ID) : [],
    });
  }

  async function leases(): Promise<Reply<rpc.LeaseLeasesResponseInit>> {
    const b = await server.readBarrier();
    if (!b.ok) return reject(b.error);
    return reply({ header: makeHeader(server), leases: server.lessor.list().map((l) => ({ ID: l.id })) });
  }

  const keepAlive: grpc.handleBidiStreamingCall<rpc.LeaseKeepAliveRequest, rpc.LeaseKeepAliveResponseInit> = (call) => {
    call.on('data', (req: rpc.LeaseKeepAliveRequest) => {
      if (server.isLeader()) {
        // An unknown lease is reported as TTL 0; clients turn that into "lease not found".
        const ttl = server.lessor.renew(req.ID) ?? 0;
        call.write({ header: makeHeader(server), ID: req.ID, TTL: ttl });
        return;
      }
      void server.forwarder.keepAlive(server.leader(), req.ID).then((r) => {
        if (r.ok) call.write({ header: makeHeader(server), ID: req.ID, TTL: r.value.TTL });
        else logger.debug({ lease: req.ID.toString(16), error: r.error.kind }, 'keep-alive not forwarded');
      });
    });
    call.on('end', () => call.end());
    call.on('error', () => undefined);
  };

  return {
    LeaseGrant: unary(logger, grant),
    LeaseRevoke: unary(logger, revoke),
    LeaseKeepAlive: keepAlive,
    LeaseTimeToLive: unary(logger, timeToLive),
    LeaseLeases: unary(logger, leases),
  };
}
