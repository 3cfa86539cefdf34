// The outgoing half of one peer pair: a queue and one long-lived Peer.Stream call to the peer.
// Messages queued in one event-loop turn leave as one MessageBatch (one stream write), which is
// what makes a single stream fast. A broken stream is redialled with backoff; while it is down,
// messages are dropped and the peer reported unreachable, since Raft retransmits on its own.
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import * as pb from '../gen/raftkvpeer.js';
import type { Message, NodeId } from '../raft/types.js';
import { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { estimateSize, messageToPb } from './codec.js';
import { HANDSHAKE_TIMEOUT_MS, STREAM_CHANNEL_OPTIONS } from './grpc-options.js';
import type { PeerCredentials } from './peer-credentials.js';
import { MEMBER_REMOVED, identityMetadata, readIdentity, type PeerIdentity } from './peer-identity.js';
import { peerAddress } from './peer-url.js';
import type { TransportStats } from './stats.js';

export const DEFAULT_QUEUE_CAP = 4096;
/** A batch is cut at this estimated size, well under the receiver's gRPC message limit. */
const MAX_BATCH_BYTES = 1024 * 1024;

export interface PeerStreamOptions {
  peerId: NodeId;
  urls: readonly string[];
  /** This member. */
  self: PeerIdentity;
  credentials: PeerCredentials;
  logger: Logger;
  stats: TransportStats;
  onUnreachable(id: NodeId): void;
  /** The peer refused us because it has removed this member from the cluster. */
  onRemovedByPeer?(id: NodeId): void;
  queueCap?: number;
  backoff?: BackoffOptions;
}

type State = 'idle' | 'connecting' | 'active' | 'backoff' | 'stopped';

type StreamCall = grpc.ClientWritableStream<pb.MessageBatchInit>;

export class PeerStream {
  private state: State = 'idle';
  private queue: Message[] = [];
  /** Set by a failure, cleared by a successful handshake; new peers start optimistic. */
  private down = false;
  private activeSinceMs: number | undefined;
  private client: grpc.Client | undefined;
  private call: StreamCall | undefined;
  private urls: readonly string[];
  private urlIndex = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushScheduled = false;
  private awaitingDrain = false;
  /** Why we cancelled the current call ourselves, reported when it ends. */
  private cancelReason: string | undefined;
  /** Misconfiguration (wrong cluster or member behind a URL) rather than a peer being down. */
  private misconfigured = false;
  /** Last logged failure, so a peer that stays down does not log every retry. */
  private lastFailure = '';
  private readonly backoff: Backoff;
  private readonly queueCap: number;
  private readonly log: Logger;

  constructor(private readonly opts: PeerStreamOptions) {
    this.urls = checkUrls(opts.urls);
    this.backoff = new Backoff(opts.backoff ?? DEFAULT_BACKOFF);
    this.queueCap = opts.queueCap ?? DEFAULT_QUEUE_CAP;
    this.log = opts.logger.child({ peer: opts.peerId.toString(16) });
  }

  start(): void {
    if (this.state === 'idle') this.connect();
  }

  stop(): void {
    this.state = 'stopped';
    this.teardown();
    this.queue = [];
  }

  /** When the current stream passed its handshake (ms since epoch), or undefined while down. */
  activeSince(): number | undefined {
    return this.activeSinceMs;
  }

  /** Queues for the next flush; drops (and reports the peer unreachable) when down or full. */
  send(msgs: readonly Message[]): void {
    if (this.state === 'stopped') return;
    let accepted = 0;
    if (!this.down) {
      accepted = Math.min(msgs.length, this.queueCap - this.queue.length);
      for (let i = 0; i < accepted; i++) this.queue.push(msgs[i]!);
      if (accepted > 0) this.scheduleFlush();
    }
    if (accepted < msgs.length) {
      this.opts.stats.messagesDropped += msgs.length - accepted;
      this.opts.onUnreachable(this.opts.peerId);
    }
  }

  /** New URLs take effect on a fresh stream; queued messages are kept. */
  updateUrls(urls: readonly string[]): void {
    this.urls = checkUrls(urls);
    this.urlIndex = 0;
    if (this.state === 'connecting' || this.state === 'active') {
      this.teardown();
      this.connect();
    }
  }

  private connect(): void {
    this.state = 'connecting';
    const url = this.urls[this.urlIndex % this.urls.length]!;
    const client = new grpc.Client(peerAddress(url), this.opts.credentials.forUrl(url), STREAM_CHANNEL_OPTIONS);
    const d = pb.PeerService.Stream;
    const call: StreamCall = client.makeClientStreamRequest<pb.MessageBatchInit, pb.StreamAck>(
      d.path,
      d.requestSerialize,
      d.responseDeserialize,
      identityMetadata(this.opts.self),
      {},
      (err) => this.onCallEnd(call, url, err),
    );
    this.client = client;
    this.call = call;
    call.on('metadata', (md: grpc.Metadata) => this.onHandshake(call, url, md));
    call.on('drain', () => {
      if (call !== this.call) return;
      this.awaitingDrain = false;
      this.scheduleFlush();
    });
    // The outcome arrives through the callback; this only keeps a stray stream error from
    // becoming an uncaught exception.
    call.on('error', (err: Error) => this.log.debug({ err }, 'peer stream error'));
    this.timer = setTimeout(() => {
      if (call === this.call && this.state === 'connecting') {
        this.cancelReason = `no handshake within ${HANDSHAKE_TIMEOUT_MS} ms`;
        call.cancel();
      }
    }, HANDSHAKE_TIMEOUT_MS);
  }

  private onHandshake(call: StreamCall, url: string, md: grpc.Metadata): void {
    if (call !== this.call || this.state !== 'connecting') return;
    clearTimeout(this.timer);
    const remote = readIdentity(md);
    const self = this.opts.self;
    if (remote === undefined || remote.clusterId !== self.clusterId || remote.memberId !== this.opts.peerId) {
      // A URL that now serves another member or cluster: never deliver there.
      const who = remote === undefined ? 'no identity' : `${remote.clusterId.toString(16)}/${remote.memberId.toString(16)}`;
      this.cancelReason = `answered as cluster/member ${who}`;
      this.misconfigured = true;
      call.cancel();
      return;
    }
    this.state = 'active';
    this.activeSinceMs = Date.now();
    this.backoff.reset();
    if (this.down || this.lastFailure !== '') this.log.info({ url }, 'peer stream active');
    this.down = false;
    this.lastFailure = '';
    this.scheduleFlush();
  }

  private onCallEnd(call: StreamCall, url: string, err: grpc.ServiceError | null): void {
    if (call !== this.call) return; // torn down on purpose
    const wasActive = this.state === 'active';
    const reason =
      this.cancelReason ?? (err === null ? 'closed by peer' : `${grpc.status[err.code]}: ${err.details}`);
    const level = this.misconfigured || err?.code === grpc.status.FAILED_PRECONDITION ? 'error' : 'warn';
    this.teardown();
    this.noteFailure(`peer stream ${wasActive ? 'broken' : 'refused'}: ${reason}`, level, { url });
    // Whatever was queued (and possibly in flight) is lost; Raft resends after the report.
    this.opts.stats.messagesDropped += this.queue.length;
    this.queue = [];
    this.down = true;
    this.opts.onUnreachable(this.opts.peerId);
    if (err?.code === grpc.status.FAILED_PRECONDITION && err.details === MEMBER_REMOVED) this.opts.onRemovedByPeer?.(this.opts.peerId);
    if (!wasActive) this.urlIndex++; // try the peer's next URL
    this.state = 'backoff';
    this.timer = setTimeout(() => {
      if (this.state === 'backoff') this.connect();
    }, this.backoff.next());
  }

  private noteFailure(msg: string, level: 'warn' | 'error', fields: object): void {
    if (msg === this.lastFailure) {
      this.log.debug(fields, msg);
      return;
    }
    this.lastFailure = msg;
    this.log[level](fields, msg);
  }

  /** Drops the current call and channel without treating it as a failure. */
  private teardown(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const call = this.call;
    this.call = undefined;
    this.cancelReason = undefined;
    this.misconfigured = false;
    this.activeSinceMs = undefined;
    this.awaitingDrain = false;
    call?.cancel();
    this.client?.close();
    this.client = undefined;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const call = this.call;
    if (this.state !== 'active' || call === undefined) return;
    while (this.queue.length > 0 && !this.awaitingDrain) {
      let n = 0;
      let bytes = 0;
      while (n < this.queue.length) {
        bytes += estimateSize(this.queue[n]!);
        if (n > 0 && bytes > MAX_BATCH_BYTES) break;
        n++;
      }
      const batch = n === this.queue.length ? this.queue : this.queue.slice(0, n);
      this.queue = n === this.queue.length ? [] : this.queue.slice(n);
      this.opts.stats.batchesSent++;
      this.opts.stats.messagesSent += batch.length;
      // write() false = gRPC's buffer is full; keep queueing (up to the cap) until 'drain'.
      if (!call.write({ messages: batch.map(messageToPb) })) this.awaitingDrain = true;
    }
  }
}

function checkUrls(urls: readonly string[]): readonly string[] {
  if (urls.length === 0) throw new Error('raftkv: a peer needs at least one URL');
  for (const u of urls) peerAddress(u); // throws on a malformed URL
  return [...urls];
}
