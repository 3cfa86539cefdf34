// The receiving side of the peer port: Peer.Stream batches go to the handler in arrival order;
// Peer.Snapshot is written to a file as it arrives and acknowledged after the handler has applied it.
import * as grpc from '@grpc/grpc-js';
import net from 'node:net';
import type { Logger } from 'pino';
import { hasCert, type TlsSettings } from '../tls/settings.js';
import { TlsTerminator } from '../tls/terminator.js';
import * as pb from '../gen/raftkvpeer.js';
import type { Message, NodeId } from '../raft/types.js';
import { messageFromPb } from './codec.js';
import { SERVER_OPTIONS } from './grpc-options.js';
import type { SnapshotFiles, TransportHandler } from './handler.js';
import { CLUSTER_MISMATCH, MEMBER_REMOVED, identityMetadata, readIdentity, type PeerIdentity } from './peer-identity.js';
import { peerAddress } from './peer-url.js';
import { SnapshotReceiver } from './snapshot-receiver.js';
import type { TransportStats } from './stats.js';

export interface PeerServerOptions {
  self: PeerIdentity;
  /** For https:// listen URLs. */
  tls?: TlsSettings;
  logger: Logger;
  stats: TransportStats;
  handler: Pick<TransportHandler, 'onMessages' | 'onSnapshot' | 'membership'>;
  files: SnapshotFiles;
  /** Removed members may not talk to the cluster again (etcd answers them 410 Gone). */
  isRemoved(id: NodeId): boolean;
}

type CallerCheck = { ok: true; caller: string; id: NodeId } | { ok: false; error: Partial<grpc.StatusObject> };

export class PeerServer {
  private readonly server = new grpc.Server(SERVER_OPTIONS);
  private readonly log: Logger;
  /** https:// URLs: our own listeners, whose decrypted connections go to the gRPC server. */
  private readonly tlsListeners: net.Server[] = [];
  private injector: grpc.ConnectionInjector | undefined;
  private terminator: TlsTerminator | undefined;

  constructor(private readonly opts: PeerServerOptions) {
    this.log = opts.logger;
    const handlers: pb.PeerHandlers = {
      Stream: (call, callback) => this.stream(call, callback),
      Snapshot: (call, callback) => this.snapshot(call, callback),
      Members: (_call, callback) => {
        const m = this.opts.handler.membership?.();
        if (m === undefined) {
          callback({ code: grpc.status.UNAVAILABLE, details: 'raftkv: membership not available' });
          return;
        }
        callback(null, {
          cluster_id: m.clusterId,
          members: m.members.map((x) => ({ ID: x.id, name: x.name, peerURLs: x.peerUrls, clientURLs: x.clientUrls, isLearner: x.isLearner })),
          applied_index: m.appliedIndex,
        });
      },
    };
    this.server.addService(pb.PeerService, handlers);
  }

  /** Binds every URL; returns them with the ports actually bound (port 0 picks a free one). */
  async listen(urls: readonly string[]): Promise<string[]> {
    const bound: string[] = [];
    for (const url of urls) {
      const port = new URL(url).protocol === 'https:' ? await this.listenTls(url) : await this.bind(url);
      const u = new URL(url);
      u.port = String(port);
      bound.push(u.origin);
      this.log.info({ url: u.origin }, 'serving peer traffic');
    }
    return bound;
  }

  private bind(url: string): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.server.bindAsync(peerAddress(url), grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
    });
  }

  /**
   * TLS is terminated by us rather than by grpc-js's createSsl credentials, which read the
   * certificate once: a renewed certificate or CA then serves the next connection, and
   * --peer-cert-allowed-cn is checked right after the handshake.
   */
  private listenTls(url: string): Promise<number> {
    const tls = this.opts.tls;
    if (tls === undefined || !hasCert(tls)) {
      return Promise.reject(new Error(`TLS key/cert (--peer-cert-file, --peer-key-file) must be provided for peer url ${url} with HTTPS scheme`));
    }
    const injector = (this.injector ??= this.server.createConnectionInjector(grpc.ServerCredentials.createInsecure()));
    const terminator = (this.terminator ??= new TlsTerminator(tls, this.log, (socket) => injector.injectConnection(socket)));
    const u = new URL(url);
    const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
    const listener = net.createServer({ noDelay: true }, (socket) => terminator.accept(socket));
    return new Promise<number>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen({ host, port: Number(u.port) }, () => {
        listener.off('error', reject);
        listener.on('error', (err) => this.log.error({ err }, 'peer listener error'));
        this.tlsListeners.push(listener);
        const addr = listener.address();
        resolve(addr !== null && typeof addr === 'object' ? addr.port : Number(u.port));
      });
    });
  }

  /** Peer streams never end on their own, so there is nothing to wait for. */
  stop(): void {
    for (const l of this.tlsListeners) l.close();
    this.injector?.destroy();
    this.server.forceShutdown();
  }

  private check(md: grpc.Metadata): CallerCheck {
    const caller = readIdentity(md);
    if (caller === undefined) {
      return { ok: false, error: { code: grpc.status.INVALID_ARGUMENT, details: 'raftkv: missing member/cluster ID' } };
    }
    const from = caller.memberId.toString(16);
    if (caller.clusterId !== this.opts.self.clusterId) {
      this.log.warn({ from, clusterId: caller.clusterId.toString(16) }, 'refused peer call from another cluster');
      return { ok: false, error: { code: grpc.status.FAILED_PRECONDITION, details: CLUSTER_MISMATCH } };
    }
    if (this.opts.isRemoved(caller.memberId)) {
      this.log.warn({ from }, 'refused peer call from a removed member');
      return { ok: false, error: { code: grpc.status.FAILED_PRECONDITION, details: MEMBER_REMOVED } };
    }
    return { ok: true, caller: from, id: caller.memberId };
  }

  private stream(
    call: grpc.ServerReadableStream<pb.MessageBatch, pb.StreamAckInit>,
    callback: grpc.sendUnaryData<pb.StreamAckInit>,
  ): void {
    const c = this.check(call.metadata);
    if (!c.ok) {
      callback(c.error);
      return;
    }
    // Response headers right away: the sender counts the stream as healthy once it sees them.
    call.sendMetadata(identityMetadata(this.opts.self));
    const stats = this.opts.stats;
    const self = this.opts.self.memberId;
    let ended = false;
    call.on('data', (batch: pb.MessageBatch) => {
      if (ended) return;
      // A member removed while its stream was open is told so on its next batch: that is how it
      // learns it must stop, when it missed the entry that removed it.
      if (this.opts.isRemoved(c.id)) {
        ended = true;
        this.log.warn({ from: c.caller }, 'ended the stream of a removed member');
        callback({ code: grpc.status.FAILED_PRECONDITION, details: MEMBER_REMOVED });
        return;
      }
      stats.batchesReceived++;
      const msgs: Message[] = [];
      for (const p of batch.messages) {
        const d = messageFromPb(p);
        if (d.ok && d.value.to === self) msgs.push(d.value);
        else {
          stats.messagesRejected++;
          this.log.debug({ from: c.caller, error: d.ok ? 'addressed to another member' : d.error.detail }, 'dropped peer message');
        }
      }
      stats.messagesReceived += msgs.length;
      if (msgs.length === 0) return;
      try {
        this.opts.handler.onMessages(msgs);
      } catch (err) {
        this.log.error({ err }, 'onMessages failed');
      }
    });
    call.on('end', () => {
      if (!ended) callback(null, {});
    });
    call.on('error', (err: Error) => this.log.debug({ err, from: c.caller }, 'peer stream ended'));
  }

  private snapshot(
    call: grpc.ServerReadableStream<pb.SnapshotChunk, pb.SnapshotAckInit>,
    callback: grpc.sendUnaryData<pb.SnapshotAckInit>,
  ): void {
    const c = this.check(call.metadata);
    if (!c.ok) {
      callback(c.error);
      return;
    }
    call.sendMetadata(identityMetadata(this.opts.self));
    const receiver = new SnapshotReceiver(this.opts.files.incomingPath());
    let msg: Message | undefined;
    let done = false;
    const reject = (code: grpc.status, details: string): void => {
      if (done) return;
      done = true;
      void receiver.discard();
      this.log.warn({ from: c.caller, details }, 'refused snapshot');
      callback({ code, details });
    };
    call.on('data', (chunk: pb.SnapshotChunk) => {
      if (done) return;
      if (msg === undefined) {
        const d = chunk.message === undefined ? undefined : messageFromPb(chunk.message);
        if (d === undefined || !d.ok || d.value.type !== 'MsgSnap' || d.value.snapshot === undefined) {
          reject(grpc.status.INVALID_ARGUMENT, 'raftkv: first snapshot chunk must carry a MsgSnap');
          return;
        }
        if (d.value.to !== this.opts.self.memberId) {
          reject(grpc.status.FAILED_PRECONDITION, 'raftkv: snapshot addressed to another member');
          return;
        }
        msg = d.value;
        receiver.expect(chunk.total_size);
      }
      if (chunk.data.length === 0) return;
      const err = receiver.accept(chunk.data);
      if (err !== undefined) {
        reject(grpc.status.INVALID_ARGUMENT, err);
        return;
      }
      // Disk is the buffer: stop reading while writes are pending.
      if (receiver.busy()) {
        call.pause();
        void receiver.drained().then(() => call.resume());
      }
    });
    call.on('end', () => {
      if (done) return;
      void receiver.finish().then(
        (complete) => {
          if (done) return;
          if (msg === undefined || !complete.ok) {
            reject(grpc.status.INVALID_ARGUMENT, complete.ok ? 'raftkv: empty snapshot call' : complete.error);
            return;
          }
          this.opts.stats.snapshotsReceived++;
          const index = msg.snapshot?.metadata.index;
          this.log.info({ from: c.caller, index, bytes: complete.bytes }, 'received snapshot; handing it to raft');
          const received = msg;
          Promise.resolve()
            .then(() => this.opts.handler.onSnapshot(received, receiver.path))
            .then(
              () => {
                done = true;
                callback(null, {});
              },
              (err: unknown) => {
                this.log.error({ err }, 'applying a received snapshot failed');
                reject(grpc.status.INTERNAL, `raftkv: snapshot not applied: ${err instanceof Error ? err.message : String(err)}`);
              },
            );
        },
        (err: unknown) => reject(grpc.status.INTERNAL, `raftkv: cannot store the snapshot: ${err instanceof Error ? err.message : String(err)}`),
      );
    });
    call.on('cancelled', () => {
      if (done) return;
      done = true;
      void receiver.discard();
      this.log.warn({ from: c.caller, received: receiver.received }, 'snapshot transfer cancelled by the sender');
    });
    call.on('error', (err: Error) => this.log.debug({ err, from: c.caller }, 'snapshot call error'));
  }
}
