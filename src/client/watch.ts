// One watcher on its own Watch stream. Responses reach either a callback or an
// async iterator (buffered, pausing the stream when the reader falls behind);
// fragmented revisions are merged back into one response.
import * as grpc from '@grpc/grpc-js';
import type * as rpc from '../gen/etcdserverpb.js';
import { appendAll } from '../util/append-all.js';
import { EtcdClientError, toClientError } from './errors.js';
import { resolveRange, type KeyLike, type RangeSpec } from './key-range.js';

export interface WatchOptions extends RangeSpec {
  /** Replay history from this revision (0 = only new events). */
  startRevision?: number;
  prevKv?: boolean;
  progressNotify?: boolean;
  filters?: rpc.WatchCreateRequest_FilterType[];
  /** Let the server split huge revisions; the pieces are merged here. */
  fragment?: boolean;
}

export type WatchListener = (resp: rpc.WatchResponse) => void;

export type WatchCall = grpc.ClientDuplexStream<rpc.WatchRequestInit, rpc.WatchResponse>;

// Iterator buffering: pause the gRPC stream above HIGH, resume at LOW.
const HIGH_WATER = 1024;
const LOW_WATER = 256;

export function watchCreateRequest(key: KeyLike, opts: WatchOptions): rpc.WatchRequestInit {
  const { key: k, range_end } = resolveRange(key, opts);
  return {
    create_request: {
      key: k,
      range_end,
      start_revision: opts.startRevision,
      prev_kv: opts.prevKv,
      progress_notify: opts.progressNotify,
      filters: opts.filters,
      fragment: opts.fragment,
    },
  };
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: Error) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Callers may never await these; a rejection must not become an unhandled one.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

export class Watch implements AsyncIterable<rpc.WatchResponse> {
  private readonly createdD = deferred<rpc.WatchResponse>();
  private readonly doneD = deferred<void>();
  private watchId = -1;
  private ended = false;
  private error: EtcdClientError | undefined;
  private partial: rpc.WatchResponse | undefined;
  private readonly queue: rpc.WatchResponse[] = [];
  private wake: (() => void) | undefined;
  private paused = false;

  constructor(
    private readonly call: WatchCall,
    readonly endpoint: string,
    create: rpc.WatchRequestInit,
    private readonly listener?: WatchListener,
  ) {
    call.on('data', (r: rpc.WatchResponse) => this.onData(r));
    call.on('error', (e: unknown) => this.fail(toClientError(e, endpoint)));
    call.on('end', () => this.finish());
    call.write(create);
  }

  /** The server's creation ack (header.revision is the watch's start point). */
  get created(): Promise<rpc.WatchResponse> {
    return this.createdD.promise;
  }

  /** Settles when the watch ends: resolves on cancel (ours or the server's), rejects on a stream error. */
  get done(): Promise<void> {
    return this.doneD.promise;
  }

  /** The server-assigned watch id, -1 until created. */
  get id(): number {
    return this.watchId;
  }

  /** Asks the server for a progress notification (header-only response once the watcher is synced). */
  requestProgress(): void {
    if (!this.ended) this.call.write({ progress_request: {} });
  }

  /** Stops watching; the iterator finishes after the responses already buffered. */
  cancel(): void {
    if (this.ended) return;
    this.finish();
    // Closing the stream is enough: the server drops a stream's watchers with it.
    this.call.end();
    this.call.cancel();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<rpc.WatchResponse, void, undefined> {
    if (this.listener !== undefined) throw new Error('watch: responses go to the listener given to watch()');
    try {
      for (;;) {
        const r = this.queue.shift();
        if (r !== undefined) {
          if (this.paused && this.queue.length <= LOW_WATER) {
            this.paused = false;
            this.call.resume();
          }
          yield r;
          continue;
        }
        if (this.error !== undefined) throw this.error;
        if (this.ended) return;
        await new Promise<void>((res) => (this.wake = res));
      }
    } finally {
      this.cancel();
    }
  }

  private onData(r: rpc.WatchResponse): void {
    if (this.ended) return;
    if (this.watchId < 0) {
      if (r.created) {
        this.watchId = r.watch_id;
        this.createdD.resolve(r);
        if (!r.canceled) return;
      } else if (!r.canceled) {
        return;
      }
    }
    if (r.fragment) {
      if (this.partial === undefined) this.partial = { ...r, events: [...r.events] };
      else appendAll(this.partial.events, r.events);
      return;
    }
    if (this.partial !== undefined) {
      appendAll(this.partial.events, r.events);
      r = { ...r, events: this.partial.events };
      this.partial = undefined;
    }
    this.deliver(r);
    if (r.canceled) this.cancel();
  }

  private deliver(r: rpc.WatchResponse): void {
    if (this.listener !== undefined) {
      this.listener(r);
      return;
    }
    this.queue.push(r);
    if (!this.paused && this.queue.length >= HIGH_WATER) {
      this.paused = true;
      this.call.pause();
    }
    this.wakeReader();
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.createdD.reject(new EtcdClientError(grpc.status.CANCELLED, 'watch ended before it was created', this.endpoint));
    this.doneD.resolve();
    this.wakeReader();
  }

  private fail(e: EtcdClientError): void {
    if (this.ended) return;
    this.ended = true;
    this.error = e;
    this.createdD.reject(e);
    this.doneD.reject(e);
    this.wakeReader();
  }

  private wakeReader(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}
