import * as rpc from '../gen/etcdserverpb.js';
import { EtcdClient, EtcdClientError } from '../client/index.js';
import type { MemberStore } from '../cluster/member-store.js';
import { fail, ok, type ServerResult } from './errors.js';
import type { KeepAliveStream } from './keep-alive-relay.js';

const FORWARD_TIMEOUT_MS = 5000;

// Requests only the leader can answer (lease keep-alives and TTLs, learner promotion) are sent on
// to the leader's client URL when they reach a follower, as etcd forwards them over its peer port.
export class LeaderForwarder {
  private client: EtcdClient | undefined;
  private clientFor = 0n;

  constructor(private readonly members: MemberStore) {}

  /** A keep-alive stream to the leader, on the connection every forwarded request shares. */
  keepAliveStream(leader: bigint): KeepAliveStream | undefined {
    return this.clientOf(leader)?.bidi(rpc.LeaseService.LeaseKeepAlive);
  }

  timeToLive(leader: bigint, id: bigint, keys: boolean): Promise<ServerResult<rpc.LeaseTimeToLiveResponse>> {
    return this.forward(leader, (c) => c.leaseTimeToLive(id, keys, { timeoutMs: FORWARD_TIMEOUT_MS }));
  }

  promote(leader: bigint, id: bigint): Promise<ServerResult<rpc.MemberPromoteResponse>> {
    return this.forward(leader, (c) => c.unary(rpc.ClusterService.MemberPromote, { ID: id }, { timeoutMs: FORWARD_TIMEOUT_MS }));
  }

  close(): void {
    this.client?.close();
    this.client = undefined;
  }

  private async forward<T>(leader: bigint, call: (c: EtcdClient) => Promise<T>): Promise<ServerResult<T>> {
    const client = this.clientOf(leader);
    if (client === undefined) return fail({ kind: 'no_leader' });
    try {
      return ok(await call(client));
    } catch (e) {
      return fail(e instanceof EtcdClientError ? { kind: 'forwarded', code: e.code, message: e.details } : { kind: 'timeout' });
    }
  }

  private clientOf(leader: bigint): EtcdClient | undefined {
    if (this.client !== undefined && this.clientFor === leader) return this.client;
    this.close();
    const urls = this.members.get(leader)?.clientUrls ?? [];
    if (urls.length === 0) return undefined;
    this.client = new EtcdClient(urls);
    this.clientFor = leader;
    return this.client;
  }
}
