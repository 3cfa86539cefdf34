// The peer transport (port 2380): one PeerServer for what comes in, one PeerStream per peer for
// what goes out, and snapshot transfers on calls of their own.
import type { Logger } from 'pino';
import type { Message, NodeId } from '../raft/types.js';
import type { TlsSettings } from '../tls/settings.js';
import type { BackoffOptions } from './backoff.js';
import type { SnapshotFiles, TransportHandler } from './handler.js';
import type { PeerIdentity } from './peer-identity.js';
import { PeerCredentials } from './peer-credentials.js';
import { PeerServer } from './peer-server.js';
import { PeerStream } from './peer-stream.js';
import { sendSnapshot } from './snapshot-sender.js';
import { newStats, type TransportStats } from './stats.js';

export interface PeerTransportOptions {
  memberId: NodeId;
  clusterId: NodeId;
  /** http://host:port; port 0 binds a free port (see urls()). */
  listenUrls: string[];
  /** The --peer-* TLS settings, for https:// URLs (ours and the peers'). */
  tls?: TlsSettings;
  logger: Logger;
  handler: TransportHandler;
  /** Where snapshots are read from when sent and written to when received. */
  files: SnapshotFiles;
  /** Per-peer outgoing queue cap (messages); beyond it messages are dropped. */
  queueCap?: number;
  backoff?: BackoffOptions;
  /**
   * TESTING ONLY: dial these URLs instead of a peer's advertised ones, so a fault-injection test
   * can put a proxy on each link (a different one per sender).
   */
  dialMap?: ReadonlyMap<string, string>;
}

interface Peer {
  urls: readonly string[];
  stream: PeerStream;
}

export class PeerTransport {
  /** Counters; tests read batchesSent to see batching. */
  readonly stats: TransportStats = newStats();
  private readonly peers = new Map<NodeId, Peer>();
  private readonly removed = new Set<NodeId>();
  private readonly snapshots = new Map<NodeId, AbortController>();
  private readonly self: PeerIdentity;
  private readonly credentials: PeerCredentials;
  private readonly server: PeerServer;
  private readonly log: Logger;
  private state: 'new' | 'running' | 'stopped' = 'new';
  private boundUrls: string[] = [];
  /** Unreachable reports of this turn, delivered once per peer after the caller's code has run. */
  private readonly unreachable = new Set<NodeId>();

  constructor(private readonly opts: PeerTransportOptions) {
    this.self = { memberId: opts.memberId, clusterId: opts.clusterId };
    this.log = opts.logger.child({ component: 'transport' });
    this.credentials = new PeerCredentials(opts.tls);
    this.server = new PeerServer({
      self: this.self,
      tls: opts.tls,
      logger: this.log,
      stats: this.stats,
      handler: opts.handler,
      files: opts.files,
      isRemoved: (id) => this.removed.has(id),
    });
  }

  async run(): Promise<void> {
    if (this.state !== 'new') throw new Error('raftkv: PeerTransport.run() called twice');
    this.boundUrls = await this.server.listen(this.opts.listenUrls);
    this.state = 'running';
    for (const p of this.peers.values()) p.stream.start();
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    for (const p of this.peers.values()) p.stream.stop();
    this.peers.clear();
    for (const c of this.snapshots.values()) c.abort();
    this.snapshots.clear();
    this.server.stop();
  }

  /** The listen URLs with the ports actually bound; valid after run(). */
  urls(): string[] {
    return [...this.boundUrls];
  }

  addPeer(id: NodeId, advertised: string[]): void {
    if (this.state === 'stopped' || id === this.opts.memberId) return;
    if (this.peers.has(id)) {
      this.updatePeer(id, advertised);
      return;
    }
    const urls = this.dialUrls(advertised);
    const stream = new PeerStream({
      peerId: id,
      urls,
      self: this.self,
      credentials: this.credentials,
      logger: this.log,
      stats: this.stats,
      onUnreachable: (peer) => this.reportUnreachable(peer),
      onRemovedByPeer: (peer) => {
        this.log.warn({ peer: peer.toString(16) }, 'a peer says this member was removed from the cluster');
        this.opts.handler.onRemoved?.();
      },
      queueCap: this.opts.queueCap,
      backoff: this.opts.backoff,
    });
    this.peers.set(id, { urls: [...urls], stream });
    this.removed.delete(id);
    if (this.state === 'running') stream.start();
    this.log.info({ peer: id.toString(16), urls }, 'added peer');
  }

  updatePeer(id: NodeId, advertised: string[]): void {
    const p = this.peers.get(id);
    if (p === undefined) return;
    const urls = this.dialUrls(advertised);
    p.stream.updateUrls(urls);
    p.urls = [...urls];
    this.log.info({ peer: id.toString(16), urls }, 'updated peer URLs');
  }

  removePeer(id: NodeId): void {
    const p = this.peers.get(id);
    this.removed.add(id);
    this.snapshots.get(id)?.abort();
    if (p === undefined) return;
    p.stream.stop();
    this.peers.delete(id);
    this.log.info({ peer: id.toString(16) }, 'removed peer');
  }

  /** Non-blocking. MsgSnap goes to sendSnapshot(); messages to unknown peers are dropped. */
  send(msgs: readonly Message[]): void {
    if (this.state === 'stopped') return;
    const byPeer = new Map<NodeId, Message[]>();
    for (const m of msgs) {
      if (m.type === 'MsgSnap') {
        this.sendSnapshot(m);
        continue;
      }
      let list = byPeer.get(m.to);
      if (list === undefined) byPeer.set(m.to, (list = []));
      list.push(m);
    }
    for (const [to, list] of byPeer) {
      const p = this.peers.get(to);
      if (p !== undefined) p.stream.send(list);
      else {
        this.stats.messagesDropped += list.length;
        this.log.debug({ to: to.toString(16), count: list.length }, 'dropped messages to an unknown peer');
      }
    }
  }

  /** Transfers msg.snapshot with its data file to msg.to; the outcome goes to onSnapshotStatus. */
  sendSnapshot(msg: Message): void {
    const to = msg.to;
    const p = this.peers.get(to);
    if (this.state === 'stopped') return;
    const file = msg.snapshot === undefined ? undefined : this.opts.files.fileFor(msg.snapshot.metadata.index);
    if (p === undefined || file === undefined) {
      this.log.warn({ to: to.toString(16) }, 'cannot send snapshot: unknown peer or no snapshot file');
      queueMicrotask(() => this.opts.handler.onSnapshotStatus(to, false));
      return;
    }
    if (this.snapshots.has(to)) {
      // Raft pauses a peer while its snapshot is in flight, so this is a stray duplicate.
      this.log.warn({ to: to.toString(16) }, 'snapshot to this peer already in flight; dropped another');
      return;
    }
    const abort = new AbortController();
    this.snapshots.set(to, abort);
    const started = Date.now();
    const index = msg.snapshot?.metadata.index;
    this.log.info({ to: to.toString(16), index, file }, 'sending snapshot');
    void sendSnapshot({ msg, file, urls: p.urls, self: this.self, credentials: this.credentials, signal: abort.signal }).then((r) => {
      if (this.snapshots.get(to) === abort) this.snapshots.delete(to);
      if (r.ok) {
        this.stats.snapshotsSent++;
        this.log.info({ to: to.toString(16), index, ms: Date.now() - started }, 'snapshot sent');
      } else {
        this.stats.snapshotsFailed++;
        this.log.warn({ to: to.toString(16), index, reason: r.reason }, 'snapshot failed');
      }
      if (this.state !== 'stopped') this.opts.handler.onSnapshotStatus(to, r.ok);
    });
  }

  private dialUrls(urls: readonly string[]): string[] {
    const map = this.opts.dialMap;
    return map === undefined ? [...urls] : urls.map((u) => map.get(u) ?? u);
  }

  /** When the stream to the peer became healthy (ms since epoch); undefined while it is down. */
  activeSince(id: NodeId): number | undefined {
    return this.peers.get(id)?.stream.activeSince();
  }

  private reportUnreachable(id: NodeId): void {
    // Deferred: send() is called while Raft is handing out a Ready; do not re-enter it.
    if (this.unreachable.size === 0) {
      queueMicrotask(() => {
        const ids = [...this.unreachable];
        this.unreachable.clear();
        if (this.state === 'stopped') return;
        for (const peer of ids) this.opts.handler.onUnreachable(peer);
      });
    }
    this.unreachable.add(id);
  }
}
