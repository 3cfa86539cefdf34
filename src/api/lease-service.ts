import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { canRevokeLease, headerOf } from '../auth/guard.js';
import type * as rpc from '../gen/etcdserverpb.js';
import type { AuthStore } from '../auth/auth-store.js';
import type { Lessor } from '../lease/lessor.js';
import { KeepAliveRelay } from '../server/keep-alive-relay.js';
import type { LeaderForwarder } from '../server/leader-forwarder.js';
import type { ReadGate } from '../server/read-barrier.js';
import type { Writes } from '../server/writes.js';
import { fromServerError, toStatus } from './errors.js';
import { reject, reply, credentialsOf, unary, type Reply } from './handler.js';
import { makeHeader, type HeaderSource } from './header.js';

/** etcd's minimum lease TTL: 1.5 election timeouts, rounded up to whole seconds. */
export function minLeaseTtl(electionTimeoutMs: number): number {
  return Math.ceil((electionTimeoutMs * 1.5) / 1000);
}

/** Who leads, as this member knows it. */
export interface LeaderView {
  isLeader(): boolean;
  /** The leader's ID, 0n while there is none. */
  leader(): bigint;
}

export interface LeaseDeps {
  header: HeaderSource;
  writes: Pick<Writes, 'leaseGrant' | 'leaseRevoke'>;
  gate: ReadGate;
  lessor: Pick<Lessor, 'renew' | 'timeToLive' | 'list'>;
  leaseKeys: (id: bigint) => Buffer[];
  leadership: LeaderView;
  forwarder: Pick<LeaderForwarder, 'keepAliveStream' | 'timeToLive'>;
  auth: AuthStore;
  electionTimeoutMs: number;
  /** How long a forwarded keep-alive may wait for the leader (etcd's request timeout). */
  requestTimeoutMs: number;
}

/** LeaseGrant as the client port serves it; also used in-process by the lock and election services. */
export function leaseGrantCall(
  d: Pick<LeaseDeps, 'header' | 'writes' | 'electionTimeoutMs'>,
): (req: rpc.LeaseGrantRequest) => Promise<Reply<rpc.LeaseGrantResponseInit>> {
  const minTtl = minLeaseTtl(d.electionTimeoutMs);
  return async (req) => {
    const r = await d.writes.leaseGrant(req, minTtl);
    if (!r.ok) return reject(r.error);
    const v = r.value.value;
    if (v.type !== 'lease_grant') return reject({ kind: 'stopped' });
    return reply({ header: makeHeader(d.header, r.value.revision), ID: v.id, TTL: v.ttl, error: '' });
  };
}

// etcdserverpb.Lease. Grants and revokes go through the log; keep-alives and TTL reads are served
// by the member that keeps lease time.
export function leaseService(d: LeaseDeps, logger: Logger): rpc.LeaseHandlers {
  const { writes, lessor, leadership, forwarder } = d;
  const grant = leaseGrantCall(d);

  async function revoke(req: rpc.LeaseRevokeRequest, meta: grpc.Metadata): Promise<Reply<rpc.LeaseRevokeResponseInit>> {
    const denied = canRevokeLease(d.auth, credentialsOf(meta), () => d.leaseKeys(req.ID));
    if (denied !== undefined) return reject(denied);
    const r = await writes.leaseRevoke(req.ID, headerOf(d.auth, credentialsOf(meta)));
    if (!r.ok) return reject(r.error);
    return reply({ header: makeHeader(d.header, r.value.revision) });
  }

  async function timeToLive(req: rpc.LeaseTimeToLiveRequest): Promise<Reply<rpc.LeaseTimeToLiveResponseInit>> {
    const b = await d.gate.wait();
    if (!b.ok) return reject(b.error);
    if (!leadership.isLeader()) {
      // Remaining TTLs are known only where lease time is kept.
      const f = await forwarder.timeToLive(leadership.leader(), req.ID, req.keys);
      return f.ok ? reply({ ...f.value, header: makeHeader(d.header) }) : reject(f.error);
    }
    const t = lessor.timeToLive(req.ID);
    // etcd answers an unknown lease with TTL -1 rather than an error.
    if (t === undefined) return reply({ header: makeHeader(d.header), ID: req.ID, TTL: -1 });
    return reply({
      header: makeHeader(d.header),
      ID: req.ID,
      TTL: t.remaining,
      grantedTTL: t.granted,
      keys: req.keys ? d.leaseKeys(req.ID) : [],
    });
  }

  async function leases(): Promise<Reply<rpc.LeaseLeasesResponseInit>> {
    const b = await d.gate.wait();
    if (!b.ok) return reject(b.error);
    return reply({ header: makeHeader(d.header), leases: lessor.list().map((l) => ({ ID: l.id })) });
  }

  const keepAlive: grpc.handleBidiStreamingCall<rpc.LeaseKeepAliveRequest, rpc.LeaseKeepAliveResponseInit> = (call) => {
    // A follower forwards this stream's keep-alives to the leader on one stream of its own.
    let relay: KeepAliveRelay | undefined;
    const answer = (ID: bigint, TTL: number): void => {
      if (!call.writable) return;
      // TTL 0 tells the client the lease is gone (etcd answers an unknown lease so).
      call.write({ header: makeHeader(d.header), ID, TTL });
    };
    call.on('data', (req: rpc.LeaseKeepAliveRequest) => {
      if (leadership.isLeader()) {
        answer(req.ID, lessor.renew(req.ID) ?? 0);
        return;
      }
      relay ??= new KeepAliveRelay({
        leader: () => leadership.leader(),
        open: (leader) => forwarder.keepAliveStream(leader),
        answer,
        fail: (err) => {
          logger.debug({ error: err.kind }, 'keep-alive not answered by a leader in time');
          // An 'error' on a server duplex stream ends it with that status (destroy would not send one).
          const e = fromServerError(err);
          call.emit('error', Object.assign(new Error(e.message), toStatus(e)));
        },
        timeoutMs: d.requestTimeoutMs,
      });
      relay.forward(req.ID);
    });
    const close = (): void => relay?.close();
    call.on('end', () => {
      // Keep-alives still with the leader are answered before the stream ends.
      const finish = (): void => {
        close();
        call.end();
      };
      if (relay === undefined) finish();
      else relay.whenAnswered(finish);
    });
    call.on('error', close);
    call.on('close', close);
  };

  return {
    LeaseGrant: unary(logger, grant),
    LeaseRevoke: unary(logger, revoke),
    LeaseKeepAlive: keepAlive,
    LeaseTimeToLive: unary(logger, timeToLive),
    LeaseLeases: unary(logger, leases),
  };
}
