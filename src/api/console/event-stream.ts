// GET /ui/api/stream: Server-Sent Events with the cluster view and a metrics sample every second,
// the leader timeline (its backlog, then each event) and a ping comment every 15 s. Bounded: at
// most MAX_STREAMS per member (then 429), and a client that does not read is cut off once
// MAX_BUFFERED_BYTES wait for it. One timer serves every stream; it runs only while one is open,
// and a view still being made is not started again.
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import type { ClusterView } from './cluster-view.js';
import { sendError } from './headers.js';
import type { LeaderEvent, LeaderTimeline } from './leader-timeline.js';
import type { MetricsSample } from './metrics-sampler.js';

export const MAX_STREAMS = 16;
const MAX_BUFFERED_BYTES = 256 * 1024;
const TICK_MS = 1000;
const PING_MS = 15_000;

export interface StreamSource {
  cluster(): Promise<ClusterView>;
  metrics(): Promise<MetricsSample>;
  timeline: LeaderTimeline;
}

interface Stream {
  res: ServerResponse;
  /** Whether the caller may still read (a token can expire while its stream is open). */
  allowed: () => boolean;
  unsubscribe: () => void;
}

export class EventStreams {
  private readonly streams = new Set<Stream>();
  private tick: NodeJS.Timeout | undefined;
  private ping: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly src: StreamSource,
    private readonly onError: (err: unknown) => void,
  ) {}

  get size(): number {
    return this.streams.size;
  }

  open(req: IncomingMessage, res: ServerResponse, allowed: () => boolean): void {
    if (this.streams.size >= MAX_STREAMS) {
      sendError(res, 429, `too many console streams on this member (at most ${MAX_STREAMS})`, grpc.status.RESOURCE_EXHAUSTED);
      return;
    }
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Accel-Buffering', 'no');
    res.writeHead(200);
    req.socket.setNoDelay(true);
    const s: Stream = { res, allowed, unsubscribe: () => undefined };
    this.streams.add(s);
    res.on('close', () => this.drop(s));
    for (const e of this.src.timeline.backlog()) this.send(s, 'leader', e);
    s.unsubscribe = this.src.timeline.subscribe((e: LeaderEvent) => this.send(s, 'leader', e));
    this.src.cluster().then(
      (v) => this.send(s, 'cluster', v),
      (err: unknown) => this.onError(err),
    );
    this.start();
  }

  close(): void {
    for (const s of [...this.streams]) {
      this.drop(s);
      s.res.destroy();
    }
    this.stop();
  }

  private start(): void {
    if (this.tick !== undefined) return;
    this.tick = setInterval(() => void this.everySecond(), TICK_MS);
    this.ping = setInterval(() => {
      for (const s of this.streams) this.write(s, ': ping\n\n');
    }, PING_MS);
  }

  private stop(): void {
    clearInterval(this.tick);
    clearInterval(this.ping);
    this.tick = undefined;
    this.ping = undefined;
  }

  private async everySecond(): Promise<void> {
    for (const s of this.streams) {
      if (s.allowed()) continue;
      this.drop(s);
      s.res.end();
    }
    if (this.busy || this.streams.size === 0) return;
    this.busy = true;
    try {
      const [view, metrics] = await Promise.all([this.src.cluster(), this.src.metrics()]);
      for (const s of this.streams) {
        this.send(s, 'cluster', view);
        this.send(s, 'metrics', metrics);
      }
    } catch (err) {
      this.onError(err);
    } finally {
      this.busy = false;
    }
  }

  private send(s: Stream, event: string, data: unknown): void {
    this.write(s, `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private write(s: Stream, text: string): void {
    if (!this.streams.has(s)) return;
    s.res.write(text);
    // A reader this far behind is not reading: it is cut off rather than buffered for.
    if (s.res.writableLength > MAX_BUFFERED_BYTES) {
      this.drop(s);
      s.res.destroy();
    }
  }

  private drop(s: Stream): void {
    if (!this.streams.delete(s)) return;
    s.unsubscribe();
    if (this.streams.size === 0) this.stop();
  }
}
