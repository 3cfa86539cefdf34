import type { MvccEvent, Result } from '../mvcc/types.js';
import { eventFilterOf } from './event-filter.js';
import { splitForFragments } from './fragment.js';
import { keyRangeOf } from './key-range.js';
import { Outbox } from './outbox.js';
import type { HubWatcher, WatchHub, WatchSink } from './watch-hub.js';
import {
  AUTO_WATCH_ID,
  CANCEL_REASON,
  INVALID_WATCH_ID,
  watchResponse,
  type WatchCreateError,
  type WatchCreateRequest,
  type WatchResponse,
} from './watch-types.js';

export interface WatchStreamOptions {
  /** Progress-notify interval; etcd's default is 10 minutes. Up to 10% jitter is added, as etcd does. */
  progressIntervalMs?: number;
  /**
   * Fragmenting threshold. Default 2 MiB: etcd's default max-request-bytes (1.5 MiB) plus the 512 KiB
   * gRPC overhead allowance etcd adds to it for the watch server.
   */
  maxResponseBytes?: number;
}

export const DEFAULT_PROGRESS_INTERVAL_MS = 10 * 60 * 1000;
export const DEFAULT_MAX_RESPONSE_BYTES = 1.5 * 1024 * 1024 + 512 * 1024;

interface Entry {
  readonly id: number;
  readonly startRevision: number;
  readonly progressNotify: boolean;
  readonly fragment: boolean;
  hub: HubWatcher | undefined;
  /** No event response went out since the last progress tick (etcd's sws.progress[id]). */
  progressDue: boolean;
}

/**
 * The state of one client Watch stream: its watchers, their IDs and the ordered flow of responses.
 * Responses go to `send` in order; `send` returning false pauses the stream until resume().
 */
export class WatchStream {
  private readonly entries = new Map<number, Entry>();
  private readonly outbox: Outbox;
  private readonly progressMs: number;
  private readonly maxBytes: number;
  private nextId = 0;
  private progressTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly hub: WatchHub,
    send: (resp: WatchResponse) => boolean,
    opts: WatchStreamOptions = {},
  ) {
    this.progressMs = opts.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
    this.maxBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.outbox = new Outbox(send, (resp) => {
      if (resp.events.length > 0) {
        const e = this.entries.get(resp.watchId);
        if (e !== undefined) e.progressDue = false; // etcd elides the next progress after an update
      }
    });
  }

  /**
   * Handles a WatchCreateRequest. Always answers with a `created` response; a failed create is also
   * `canceled` with watch ID -1 and etcd's cancel reason (except after close(): nothing is sent).
   */
  create(req: WatchCreateRequest): Result<number, WatchCreateError> {
    if (this.closed) return { ok: false, error: { kind: 'closed' } };
    if (req.startRevision < 0) return this.reject('compacted');
    const range = keyRangeOf(req.key, req.rangeEnd);
    if (range === null) return this.reject('empty_range');

    let id = req.watchId;
    if (id === AUTO_WATCH_ID) {
      while (this.entries.has(this.nextId)) this.nextId++;
      id = this.nextId++;
    } else if (this.entries.has(id)) {
      return this.reject('duplicate_id');
    }

    const entry: Entry = {
      id,
      startRevision: req.startRevision,
      progressNotify: req.progressNotify,
      fragment: req.fragment,
      hub: undefined,
      progressDue: true,
    };
    this.entries.set(id, entry);
    // Created goes out first; the hub never calls a sink synchronously from watch().
    this.outbox.push(watchResponse({ watchId: id, created: true, revision: this.hub.revision() }));
    const sink: WatchSink = {
      deliver: (events, revision) => this.sendEvents(entry, events, revision),
      compacted: (compactRevision) => {
        // etcd 3.4: canceled with compact_revision, no reason, header revision 0. The ID stays taken
        // until the client cancels it (clientv3 does) or the stream closes, as in etcd.
        this.outbox.push(watchResponse({ watchId: id, canceled: true, compactRevision, revision: 0 }));
      },
      pendingEvents: () => this.outbox.pending(id),
    };
    entry.hub = this.hub.watch(
      { range, startRevision: req.startRevision, filter: eventFilterOf(req.filters, req.prevKv) },
      sink,
    );
    if (req.progressNotify) this.startProgressTimer();
    return { ok: true, value: id };
  }

  /**
   * Handles a WatchCancelRequest. Unknown IDs are ignored without a response (etcd 3.4); returns
   * whether the ID existed.
   */
  cancel(watchId: number): boolean {
    const e = this.entries.get(watchId);
    if (this.closed || e === undefined) return false;
    e.hub?.cancel();
    this.entries.delete(watchId);
    this.outbox.dropWatch(watchId);
    this.outbox.push(watchResponse({ watchId, canceled: true, revision: this.hub.revision() }));
    return true;
  }

  /**
   * Handles a WatchProgressRequest (etcd 3.4 RequestProgressAll): if every watcher of the stream is
   * synced, one empty response with watch ID -1 and the current revision; otherwise, or with no
   * watchers, nothing.
   */
  requestProgress(): void {
    if (this.closed) return;
    const rev = this.hub.revision();
    let anyLive = false;
    for (const e of this.entries.values()) {
      if (e.hub === undefined || !e.hub.isActive()) continue; // compacted: gone from the hub
      if (!e.hub.isSynced() || rev < e.startRevision) return;
      anyLive = true;
    }
    if (anyLive) this.outbox.push(watchResponse({ watchId: INVALID_WATCH_ID, revision: rev }));
  }

  /** The consumer can take more again (grpc-js 'drain'). */
  resume(): void {
    if (this.closed) return;
    this.outbox.resume();
    if (this.outbox.isEmpty()) this.hub.wake(); // backed-up watchers can catch up now
  }

  /** Cancels every watcher and drops anything unsent; no responses follow. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.progressTimer !== undefined) clearInterval(this.progressTimer);
    this.progressTimer = undefined;
    for (const e of this.entries.values()) e.hub?.cancel();
    this.entries.clear();
    this.outbox.close();
  }

  private reject(kind: Exclude<WatchCreateError['kind'], 'closed'>): Result<number, WatchCreateError> {
    this.outbox.push(
      watchResponse({
        watchId: INVALID_WATCH_ID,
        created: true,
        canceled: true,
        cancelReason: CANCEL_REASON[kind],
        revision: this.hub.revision(),
      }),
    );
    return { ok: false, error: { kind } };
  }

  private sendEvents(e: Entry, events: MvccEvent[], revision: number): void {
    const parts = e.fragment ? splitForFragments(events, this.maxBytes) : [events];
    parts.forEach((part, i) => {
      this.outbox.push(watchResponse({ watchId: e.id, events: part, revision, fragment: i < parts.length - 1 }));
    });
  }

  /** One timer per stream, as etcd's sendLoop ticker; started by the first progress_notify watcher. */
  private startProgressTimer(): void {
    if (this.progressTimer !== undefined) return;
    const jitter = Math.floor(Math.random() * (this.progressMs / 10));
    this.progressTimer = setInterval(() => this.progressTick(), this.progressMs + jitter);
    this.progressTimer.unref();
  }

  private progressTick(): void {
    const rev = this.hub.revision();
    for (const e of this.entries.values()) {
      if (!e.progressNotify) continue;
      if (e.progressDue && e.hub !== undefined && e.hub.isSynced() && rev >= e.startRevision) {
        this.outbox.push(watchResponse({ watchId: e.id, revision: rev }));
      }
      e.progressDue = true;
    }
  }
}
