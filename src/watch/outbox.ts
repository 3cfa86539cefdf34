import type { WatchResponse } from './watch-types.js';

/**
 * A stream's ordered queue of outgoing responses with the consumer's backpressure applied.
 * `send` returning false means "taken, but stop until resume()" (grpc-js write()/'drain' semantics).
 * Counts queued events per watch ID so the hub can see which watchers are backed up.
 */
export class Outbox {
  private queue: WatchResponse[] = [];
  private head = 0;
  private paused = false;
  private flushing = false;
  private closed = false;
  private readonly pendingById = new Map<number, number>();

  constructor(
    private readonly send: (resp: WatchResponse) => boolean,
    /** Called for each response just before it is handed to the consumer. */
    private readonly onSend: (resp: WatchResponse) => void,
  ) {}

  /** Events queued but not yet handed to the consumer, for one watch ID. */
  pending(watchId: number): number {
    return this.pendingById.get(watchId) ?? 0;
  }

  isEmpty(): boolean {
    return this.head === this.queue.length;
  }

  push(resp: WatchResponse): void {
    if (this.closed) return;
    this.queue.push(resp);
    if (resp.events.length > 0) this.pendingById.set(resp.watchId, this.pending(resp.watchId) + resp.events.length);
    this.flush();
  }

  resume(): void {
    this.paused = false;
    this.flush();
  }

  /** Drops a canceled watcher's queued event and progress responses; control responses stay. */
  dropWatch(watchId: number): void {
    this.queue = this.queue
      .slice(this.head)
      .filter((r) => r.watchId !== watchId || r.created || r.canceled);
    this.head = 0;
    this.pendingById.delete(watchId);
  }

  close(): void {
    this.closed = true;
    this.queue = [];
    this.head = 0;
    this.pendingById.clear();
  }

  private flush(): void {
    if (this.flushing) return; // the consumer called back into us; the outer loop continues
    this.flushing = true;
    try {
      while (!this.paused && !this.closed && this.head < this.queue.length) {
        const resp = this.queue[this.head]!;
        this.head++;
        if (resp.events.length > 0) {
          const left = this.pending(resp.watchId) - resp.events.length;
          if (left > 0) this.pendingById.set(resp.watchId, left);
          else this.pendingById.delete(resp.watchId);
        }
        this.onSend(resp);
        if (!this.send(resp)) this.paused = true;
      }
    } finally {
      this.flushing = false;
      if (this.head === this.queue.length) {
        this.queue = [];
        this.head = 0;
      } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
    }
  }
}
