// A small typed etcd v3 client over grpc-js and the generated descriptors.
// One grpc.Client (channel) per endpoint, created on first use; calls go to the
// current endpoint and move on to the next one when it is UNAVAILABLE.
import * as grpc from '@grpc/grpc-js';
import * as rpc from '../gen/etcdserverpb.js';
import { grpcTarget } from './endpoints.js';
import { channelCredentials, type ClientTls } from './tls.js';
import { EtcdClientError, neverSent, toClientError } from './errors.js';
import { resolveRange, toBytes, type KeyLike, type RangeSpec } from './key-range.js';
import type { BidiMethod, ServerStreamMethod, UnaryMethod } from './method.js';
import { Watch, watchCreateRequest, type WatchListener, type WatchOptions } from './watch.js';

export interface EtcdClientOptions {
  /** Default deadline of unary calls, in ms (none when unset). */
  timeoutMs?: number;
  /**
   * grpc-js channel options, merged over the defaults. By default every
   * EtcdClient has its own subchannel pool ('grpc.use_local_subchannel_pool'),
   * so N clients mean N connections; set it to 0 to share connections.
   */
  channelOptions?: grpc.ChannelOptions;
  /** TLS settings; https:// endpoints use TLS even without them. */
  tls?: ClientTls;
}

export interface CallOptions {
  /** Deadline of this call in ms; overrides the client default (0 = none). */
  timeoutMs?: number;
}

export type RangeOptions = Omit<rpc.RangeRequestInit, 'key' | 'range_end'> & RangeSpec;
export type DeleteOptions = Omit<rpc.DeleteRangeRequestInit, 'key' | 'range_end'> & RangeSpec;
export type PutOptions = Omit<rpc.PutRequestInit, 'key' | 'value'>;

const DEFAULT_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.use_local_subchannel_pool': 1,
  // etcd's own client accepts responses of any size.
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
  'grpc.initial_reconnect_backoff_ms': 200,
  'grpc.max_reconnect_backoff_ms': 2000,
};

// Calls that change nothing: safe to resend to another endpoint after an
// UNAVAILABLE that may have come after the request was delivered.
const READ_ONLY = new Set<string>([
  rpc.KVService.Range.path,
  rpc.LeaseService.LeaseTimeToLive.path,
  rpc.LeaseService.LeaseLeases.path,
  rpc.ClusterService.MemberList.path,
  rpc.MaintenanceService.Status.path,
  rpc.MaintenanceService.Hash.path,
  rpc.MaintenanceService.HashKV.path,
]);

export class EtcdClient {
  readonly endpoints: readonly string[];
  private readonly targets: string[];
  private readonly channels: (grpc.Client | undefined)[];
  private readonly channelOptions: grpc.ChannelOptions;
  private readonly timeoutMs: number;
  private readonly tls: ClientTls | undefined;
  private current = 0;
  private closed = false;
  /** An auth token (from Authenticate), sent with every call as etcd's clients do. */
  private token: string | undefined;

  constructor(endpoints: string[], opts: EtcdClientOptions = {}) {
    if (endpoints.length === 0) throw new Error('EtcdClient: no endpoints');
    this.endpoints = [...endpoints];
    this.targets = endpoints.map(grpcTarget);
    this.channels = endpoints.map(() => undefined);
    this.channelOptions = { ...DEFAULT_CHANNEL_OPTIONS, ...opts.channelOptions };
    this.timeoutMs = opts.timeoutMs ?? 0;
    this.tls = opts.tls;
  }

  /** The endpoint calls currently go to. */
  get endpoint(): string {
    return this.endpoints[this.current]!;
  }

  /** Sends `token` (metadata "token") with every later call and stream; undefined stops sending one. */
  setToken(token: string | undefined): void {
    this.token = token;
  }

  /** Moves later calls and streams to the next endpoint (after a stream failed). */
  rotate(): void {
    this.current = (this.current + 1) % this.targets.length;
  }

  // ---- generic calls ----

  async unary<Req, Res>(method: UnaryMethod<Req, Res>, req: Req, opts?: CallOptions): Promise<Res> {
    const n = this.targets.length;
    for (let attempt = 1; ; attempt++) {
      const i = this.current;
      const ch = this.channel(i);
      try {
        return await this.callOnce(ch, i, method, req, opts);
      } catch (e) {
        const err = e as EtcdClientError;
        const retry =
          // A write is resent only when it never left (the chaos tests caught a Put applied twice).
          err.code === grpc.status.UNAVAILABLE && attempt < n && (READ_ONLY.has(method.path) || neverSent(err));
        if (!retry) throw err;
        if (this.current === i) this.current = (i + 1) % n;
      }
    }
  }

  /** A server-streaming call on the current endpoint; errors surface as EtcdClientError. */
  async *serverStream<Req, Res>(method: ServerStreamMethod<Req, Res>, req: Req, opts?: CallOptions): AsyncGenerator<Res, void, undefined> {
    const i = this.current;
    const call = this.channel(i).makeServerStreamRequest<Req, Res>(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      req,
      this.metadata(),
      this.callOptions(opts),
    );
    try {
      for await (const msg of call) yield msg as Res;
    } catch (e) {
      throw toClientError(e, this.endpoints[i]!);
    } finally {
      call.cancel();
    }
  }

  /** A raw bidi stream on the current endpoint (no deadline unless given). */
  bidi<Req, Res>(method: BidiMethod<Req, Res>, opts?: CallOptions): grpc.ClientDuplexStream<Req, Res> {
    return this.channel(this.current).makeBidiStreamRequest<Req, Res>(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      this.metadata(),
      opts?.timeoutMs ? { deadline: Date.now() + opts.timeoutMs } : {},
    );
  }

  close(): void {
    this.closed = true;
    for (const ch of this.channels) ch?.close();
    this.channels.fill(undefined);
  }

  // ---- KV ----

  put(key: KeyLike, value: KeyLike, opts: PutOptions = {}, call?: CallOptions): Promise<rpc.PutResponse> {
    return this.unary(rpc.KVService.Put, { ...opts, key: toBytes(key), value: toBytes(value) }, call);
  }

  range(key: KeyLike, opts: RangeOptions = {}, call?: CallOptions): Promise<rpc.RangeResponse> {
    const { end, prefix, fromKey, ...rest } = opts;
    return this.unary(rpc.KVService.Range, { ...rest, ...resolveRange(key, { end, prefix, fromKey }) }, call);
  }

  deleteRange(key: KeyLike, opts: DeleteOptions = {}, call?: CallOptions): Promise<rpc.DeleteRangeResponse> {
    const { end, prefix, fromKey, ...rest } = opts;
    return this.unary(rpc.KVService.DeleteRange, { ...rest, ...resolveRange(key, { end, prefix, fromKey }) }, call);
  }

  txn(req: rpc.TxnRequestInit, call?: CallOptions): Promise<rpc.TxnResponse> {
    return this.unary(rpc.KVService.Txn, req, call);
  }

  compact(revision: number, physical = false, call?: CallOptions): Promise<rpc.CompactionResponse> {
    return this.unary(rpc.KVService.Compact, { revision, physical }, call);
  }

  // ---- Lease ----

  /** id 0 lets the server choose the lease ID. */
  leaseGrant(ttlSeconds: number, id = 0n, call?: CallOptions): Promise<rpc.LeaseGrantResponse> {
    return this.unary(rpc.LeaseService.LeaseGrant, { TTL: ttlSeconds, ID: id }, call);
  }

  leaseRevoke(id: bigint, call?: CallOptions): Promise<rpc.LeaseRevokeResponse> {
    return this.unary(rpc.LeaseService.LeaseRevoke, { ID: id }, call);
  }

  leaseTimeToLive(id: bigint, keys = false, call?: CallOptions): Promise<rpc.LeaseTimeToLiveResponse> {
    return this.unary(rpc.LeaseService.LeaseTimeToLive, { ID: id, keys }, call);
  }

  leaseLeases(call?: CallOptions): Promise<rpc.LeaseLeasesResponse> {
    return this.unary(rpc.LeaseService.LeaseLeases, {}, call);
  }

  /** One renewal on a short-lived stream. Like etcd's client, a TTL <= 0 reply means the lease is gone. */
  leaseKeepAliveOnce(id: bigint, call?: CallOptions): Promise<rpc.LeaseKeepAliveResponse> {
    const endpoint = this.endpoint;
    const timeoutMs = call?.timeoutMs ?? this.timeoutMs;
    const stream = this.bidi(rpc.LeaseService.LeaseKeepAlive, timeoutMs > 0 ? { timeoutMs } : undefined);
    return new Promise<rpc.LeaseKeepAliveResponse>((resolve, reject) => {
      let settled = false;
      const settle = (f: () => void): void => {
        if (settled) return;
        settled = true;
        stream.end();
        stream.cancel();
        f();
      };
      stream.on('data', (r: rpc.LeaseKeepAliveResponse) =>
        settle(() =>
          r.TTL <= 0
            ? reject(new EtcdClientError(grpc.status.NOT_FOUND, 'etcdserver: requested lease not found', endpoint))
            : resolve(r),
        ),
      );
      stream.on('error', (e: unknown) => settle(() => reject(toClientError(e, endpoint))));
      stream.on('end', () =>
        settle(() => reject(new EtcdClientError(grpc.status.UNAVAILABLE, 'keep-alive stream closed', endpoint))),
      );
      stream.write({ ID: id });
    });
  }

  // ---- Cluster / Maintenance ----

  memberList(call?: CallOptions): Promise<rpc.MemberListResponse> {
    return this.unary(rpc.ClusterService.MemberList, {}, call);
  }

  status(call?: CallOptions): Promise<rpc.StatusResponse> {
    return this.unary(rpc.MaintenanceService.Status, {}, call);
  }

  hashKV(revision = 0, call?: CallOptions): Promise<rpc.HashKVResponse> {
    return this.unary(rpc.MaintenanceService.HashKV, { revision }, call);
  }

  defragment(call?: CallOptions): Promise<rpc.DefragmentResponse> {
    return this.unary(rpc.MaintenanceService.Defragment, {}, call);
  }

  alarmList(call?: CallOptions): Promise<rpc.AlarmResponse> {
    return this.unary(rpc.MaintenanceService.Alarm, { action: rpc.AlarmRequest_AlarmAction.GET }, call);
  }

  /** Deactivates one alarm, or with no argument every active one (listing them first, as etcd's client does). */
  async alarmDisarm(alarm?: rpc.AlarmMemberInit, call?: CallOptions): Promise<rpc.AlarmResponse> {
    const deactivate = (a: rpc.AlarmMemberInit): Promise<rpc.AlarmResponse> =>
      this.unary(rpc.MaintenanceService.Alarm, { action: rpc.AlarmRequest_AlarmAction.DEACTIVATE, ...a }, call);
    if (alarm !== undefined) return deactivate(alarm);
    const list = await this.alarmList(call);
    // Like etcd's client, the combined answer carries no header.
    const out: rpc.AlarmResponse = { header: undefined, alarms: [] };
    for (const a of list.alarms) out.alarms.push(...(await deactivate(a)).alarms);
    return out;
  }

  /** The backend snapshot as a stream of chunks: the database, then its 32-byte SHA-256. */
  async *snapshot(call?: CallOptions): AsyncGenerator<Buffer, void, undefined> {
    for await (const r of this.serverStream(rpc.MaintenanceService.Snapshot, {}, { timeoutMs: call?.timeoutMs ?? 0 })) {
      if (r.blob.length > 0) yield r.blob;
    }
  }

  // ---- Watch ----

  /**
   * Watches a key or range on a stream of its own. Without a listener the
   * returned Watch is an async iterable of responses; with one, responses go
   * to the listener as they arrive.
   */
  watch(key: KeyLike, opts: WatchOptions = {}, listener?: WatchListener): Watch {
    const call = this.bidi(rpc.WatchService.Watch);
    return new Watch(call, this.endpoint, watchCreateRequest(key, opts), listener);
  }

  // ---- internals ----

  private channel(i: number): grpc.Client {
    if (this.closed) throw new Error('EtcdClient is closed');
    let ch = this.channels[i];
    if (ch === undefined) {
      ch = new grpc.Client(this.targets[i]!, channelCredentials(this.endpoints[i]!, this.tls), this.channelOptions);
      this.channels[i] = ch;
    }
    return ch;
  }

  private metadata(): grpc.Metadata {
    const m = new grpc.Metadata();
    if (this.token !== undefined) m.set('token', this.token);
    return m;
  }

  private callOptions(opts: CallOptions | undefined): grpc.CallOptions {
    const ms = opts?.timeoutMs ?? this.timeoutMs;
    return ms > 0 ? { deadline: Date.now() + ms } : {};
  }

  private callOnce<Req, Res>(ch: grpc.Client, i: number, method: UnaryMethod<Req, Res>, req: Req, opts: CallOptions | undefined): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      ch.makeUnaryRequest<Req, Res>(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        req,
        this.metadata(),
        this.callOptions(opts),
        (err, res) => {
          if (err) reject(toClientError(err, this.endpoints[i]!));
          else resolve(res as Res);
        },
      );
    });
  }
}
