import type { MvccEvent } from '../mvcc/types.js';
import { applyEventFilter, type EventFilter } from './event-filter.js';
import type { HistorySource } from './history-source.js';
import { rangeEndOf, type KeyRange } from './key-range.js';
import { WatcherIndex } from './watcher-index.js';

/** What one watcher watches. */
export interface WatcherSpec {
  range: KeyRange;
  /** First revision wanted; 0 = only future events (from the hub's revision + 1). May be in the future. */
  startRevision: number;
  filter: EventFilter;
}

/** Where the hub hands a watcher's events; implemented by WatchStream. */
export interface WatchSink {
  /**
   * Events of whole revisions, in revision order, already filtered, never seen before by this
   * watcher. `revision` is the header revision of the response. Must not block.
   */
  deliver(events: MvccEvent[], revision: number): void;
  /** The watcher's next revision was compacted away; the hub has already dropped the watcher. */
  compacted(compactRevision: number): void;
  /**
   * Events handed over but not yet taken by the consumer. At or above the hub's bound the watcher
   * stops getting live events; the catch-up loop feeds it from history only once this is 0.
   */
  pendingEvents(): number;
}

/** The hub's handle on one watcher. */
export interface HubWatcher {
  readonly startRevision: number;
  /** In the synced set: every event up to the hub's revision has been handed to the sink. */
  isSynced(): boolean;
  /** Not canceled and not dropped for compaction. */
  isActive(): boolean;
  cancel(): void;
}

export interface WatchHubOptions {
  /** A synced watcher with this many undelivered events falls back to history. Default 1024. */
  maxPendingEvents?: number;
  /** `limit` of one catch-up history read. Default 1000. */
  catchUpReadLimit?: number;
  /** Catch-up reads per event-loop turn, so catching up never starves writes. Default 128. */
  catchUpWatchersPerTick?: number;
  /** Retry delay when every unsynced watcher waits on its consumer. Default 100 ms (etcd's resync period). */
  retryIntervalMs?: number;
}

type WatcherState = 'synced' | 'unsynced' | 'done';

class Watcher implements HubWatcher {
  state: WatcherState = 'unsynced';
  /** Every event below this revision has been handed over (or did not match). */
  nextRev = 0;

  constructor(
    private readonly hub: WatchHub,
    readonly range: KeyRange,
    readonly startRevision: number,
    readonly filter: EventFilter,
    readonly sink: WatchSink,
  ) {}

  isSynced(): boolean {
    return this.state === 'synced';
  }

  isActive(): boolean {
    return this.state !== 'done';
  }

  cancel(): void {
    this.hub.remove(this);
  }
}

/**
 * All watchers of this node. Synced watchers get each published batch synchronously; unsynced ones
 * (historical start, or a consumer that fell behind) are caught up from history by a background
 * loop in bounded steps and then join the synced set.
 *
 * No gaps, no duplicates: `nextRev` is the single cursor per watcher. A watcher only joins the synced
 * set in the same synchronous step that read history up to the hub's revision, so no publish can fall
 * between the read and the join; publish also skips events below nextRev.
 */
export class WatchHub {
  private rev: number;
  private readonly synced = new WatcherIndex<Watcher>();
  /** Insertion order doubles as round-robin order for catch-up. */
  private readonly unsynced = new Set<Watcher>();
  private readonly maxPending: number;
  private readonly readLimit: number;
  private readonly watchersPerTick: number;
  private readonly retryMs: number;
  private running = false;
  private immediate: NodeJS.Immediate | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private publishing = false;
  private readonly deferred: Array<{ events: MvccEvent[]; revision: number }> = [];
  private prevKvWatchers = 0;

  constructor(
    private readonly source: HistorySource,
    opts: WatchHubOptions = {},
  ) {
    this.rev = source.currentRevision();
    this.maxPending = opts.maxPendingEvents ?? 1024;
    this.readLimit = Math.max(1, opts.catchUpReadLimit ?? 1000);
    this.watchersPerTick = Math.max(1, opts.catchUpWatchersPerTick ?? 128);
    this.retryMs = opts.retryIntervalMs ?? 100;
  }

  /** Starts the catch-up loop. */
  run(): void {
    this.running = true;
    this.schedule();
  }

  /** Stops the catch-up loop; watchers stay registered and synced ones keep receiving. */
  stop(): void {
    this.running = false;
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.immediate = undefined;
    this.retryTimer = undefined;
  }

  /** The last published revision: everything up to it has reached every synced watcher. */
  revision(): number {
    return this.rev;
  }

  counts(): { synced: number; unsynced: number } {
    return { synced: this.synced.size, unsynced: this.unsynced.size };
  }

  /** Whether some active watcher wants the previous version of each key with its events. */
  wantsPrevKv(): boolean {
    return this.prevKvWatchers > 0;
  }

  watch(spec: WatcherSpec, sink: WatchSink): HubWatcher {
    const w = new Watcher(this, spec.range, spec.startRevision, spec.filter, sink);
    if (spec.filter.prevKv) this.prevKvWatchers++;
    if (spec.startRevision === 0 || spec.startRevision > this.rev) {
      // etcd: start 0 means "after now"; a future start waits in the synced set for its revision.
      w.nextRev = Math.max(this.rev + 1, spec.startRevision);
      w.state = 'synced';
      this.synced.add(w);
    } else {
      w.nextRev = spec.startRevision;
      w.state = 'unsynced';
      this.unsynced.add(w);
      this.schedule();
    }
    return w;
  }

  /**
   * Called by the applier after a batch committed: its events in revision order and the store
   * revision after it. Never blocks and never reads history.
   */
  publish(events: MvccEvent[], revision: number): void {
    if (this.publishing) {
      // A sink called back into publish: finish the current batch first to keep revision order.
      this.deferred.push({ events, revision });
      return;
    }
    this.publishing = true;
    try {
      this.publishBatch(events, revision);
      for (let d = this.deferred.shift(); d !== undefined; d = this.deferred.shift()) {
        this.publishBatch(d.events, d.revision);
      }
    } finally {
      this.publishing = false;
    }
  }

  /** Wakes the catch-up loop, e.g. when a consumer drained its backlog. */
  wake(): void {
    this.schedule();
  }

  /**
   * After the store was replaced wholesale (snapshot install): the revisions in between were never
   * published, so every synced watcher re-reads them from history (as etcd's Restore does).
   */
  resync(): void {
    const prev = this.rev;
    this.rev = Math.max(this.rev, this.source.currentRevision());
    for (const w of this.synced.all()) {
      w.nextRev = Math.max(w.nextRev, prev + 1);
      w.state = 'unsynced';
      this.unsynced.add(w);
    }
    this.synced.clear();
    this.schedule();
  }

  /** @internal via HubWatcher.cancel */
  remove(w: Watcher): void {
    if (w.state === 'synced') this.synced.delete(w);
    else if (w.state === 'unsynced') this.unsynced.delete(w);
    this.done(w);
  }

  /** A watcher leaves for good (canceled or compacted). */
  private done(w: Watcher): void {
    if (w.state !== 'done' && w.filter.prevKv) this.prevKvWatchers--;
    w.state = 'done';
  }

  private publishBatch(events: MvccEvent[], revision: number): void {
    const lastEvent = events[events.length - 1];
    const header = Math.max(revision, lastEvent === undefined ? 0 : lastEvent.kv.modRevision);
    this.rev = Math.max(this.rev, header);
    if (events.length === 0 || this.synced.size === 0) return;

    const matched = new Map<Watcher, MvccEvent[]>();
    for (const ev of events) {
      this.synced.forEachMatch(ev.kv.key, (w) => {
        if (ev.kv.modRevision < w.nextRev) return; // already delivered, or before a future start
        const list = matched.get(w);
        if (list === undefined) matched.set(w, [ev]);
        else list.push(ev);
      });
    }

    for (const [w, evs] of matched) {
      if (w.state !== 'synced') continue; // canceled by a sink earlier in this loop
      const out = applyEventFilter(w.filter, evs);
      if (out.length > 0 && w.sink.pendingEvents() >= this.maxPending) {
        // Slow consumer: stop feeding it live and re-read from here once it has drained.
        this.synced.delete(w);
        w.state = 'unsynced';
        w.nextRev = evs[0]!.kv.modRevision;
        this.unsynced.add(w);
        this.schedule();
        continue;
      }
      w.nextRev = header + 1;
      if (out.length > 0) w.sink.deliver(out, header);
    }
  }

  private schedule(): void {
    if (!this.running || this.immediate !== undefined || this.unsynced.size === 0) return;
    if (this.retryTimer !== undefined) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    this.immediate = setImmediate(() => this.tick());
  }

  private scheduleRetry(): void {
    if (!this.running || this.retryTimer !== undefined) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.schedule();
    }, this.retryMs);
    this.retryTimer.unref();
  }

  /** One bounded step of the catch-up loop. */
  private tick(): void {
    this.immediate = undefined;
    if (!this.running) return;
    const compactRev = this.source.compactRevision();
    let budget = this.watchersPerTick;
    let progressed = false;
    for (const w of [...this.unsynced]) {
      if (budget <= 0) break;
      if (w.state !== 'unsynced') continue;
      if (w.nextRev < compactRev) {
        this.dropCompacted(w, compactRev);
        progressed = true;
      } else if (w.nextRev > this.rev) {
        this.join(w); // future start moved here by resync()
        progressed = true;
      } else if (w.sink.pendingEvents() === 0) {
        budget--;
        if (this.catchUp(w)) progressed = true;
      }
    }
    if (this.unsynced.size === 0) return;
    if (progressed) this.schedule();
    else this.scheduleRetry(); // all waiting on their consumers (they wake us) or on errors
  }

  /** Feeds one chunk of history to w; joins it to the synced set once it reached the hub's revision. */
  private catchUp(w: Watcher): boolean {
    const cur = this.rev;
    const r = this.source.history({
      fromRevision: w.nextRev,
      toRevision: cur,
      key: w.range.key,
      rangeEnd: rangeEndOf(w.range),
      limit: this.readLimit,
    });
    if (!r.ok) {
      if (r.error.kind !== 'compacted') return false;
      this.dropCompacted(w, this.source.compactRevision());
      return true;
    }
    const evs = r.value;
    const last = evs[evs.length - 1];
    const more = last !== undefined && evs.length >= this.readLimit && last.kv.modRevision < cur;
    const through = more ? last.kv.modRevision : cur;
    w.nextRev = through + 1;
    // Requeue at the back so many lagging watchers share the loop fairly.
    this.unsynced.delete(w);
    this.unsynced.add(w);
    const out = applyEventFilter(w.filter, evs);
    if (out.length > 0) w.sink.deliver(out, through);
    // The sink may have re-entered (cancel, publish): join only if nothing moved underneath.
    if (!more && w.state === 'unsynced' && this.rev === cur) this.join(w);
    return true;
  }

  private join(w: Watcher): void {
    this.unsynced.delete(w);
    w.nextRev = Math.max(w.nextRev, this.rev + 1);
    w.state = 'synced';
    this.synced.add(w);
  }

  private dropCompacted(w: Watcher, compactRev: number): void {
    this.unsynced.delete(w);
    this.done(w);
    w.sink.compacted(compactRev);
  }
}
