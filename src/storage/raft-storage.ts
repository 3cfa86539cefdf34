import type { ConfState, Entry, HardState, Snapshot, Storage, StorageError } from '../raft/index.js';
import { appendAll } from '../util/append-all.js';
import type { DurableLog } from './durable-log.js';

// Raft's view of the durable log, with the recent tail cached in memory: the leader reads the
// entries it replicates from here, and those are nearly always the newest ones.

const CACHE_ENTRIES = 8192;

export interface SnapshotSource {
  /** The configuration as of the state machine's applied index. */
  confState(): ConfState;
  /** A snapshot of the state machine as of its applied index, or an error when none can be made now. */
  snapshot(): Snapshot | StorageError;
}

function sizeOf(e: Entry): number {
  return e.data.length + 16;
}

export class RaftStorage implements Storage {
  /** Entries [cacheStart, lastIndex], a suffix of the durable log. */
  private cache: Entry[] = [];

  constructor(
    private readonly log: DurableLog,
    private readonly source: SnapshotSource,
  ) {}

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: this.log.hardState(), confState: this.source.confState() };
  }

  firstIndex(): number {
    return this.log.firstIndex();
  }

  lastIndex(): number {
    return this.log.lastIndex();
  }

  term(index: number): number | StorageError {
    const snap = this.log.snapshotPoint();
    if (index < snap.index) return { error: 'compacted' };
    if (index > this.log.lastIndex()) return { error: 'unavailable' };
    const cached = this.cached(index);
    if (cached !== undefined) return cached.term;
    const t = this.log.term(index);
    return t === undefined ? { error: 'unavailable' } : t;
  }

  entries(lo: number, hi: number, maxSize: number): Entry[] | StorageError {
    if (lo < this.log.firstIndex()) return { error: 'compacted' };
    if (hi > this.log.lastIndex() + 1) return { error: 'unavailable' };
    if (lo >= hi) return [];
    const head = this.cache[0];
    const list = head !== undefined && lo >= head.index ? this.cache.slice(lo - head.index, hi - head.index) : this.log.entries(lo, hi);
    // At least one entry, then as many as fit in maxSize.
    let size = 0;
    let n = 0;
    for (const e of list) {
      size += sizeOf(e);
      if (n > 0 && size > maxSize) break;
      n++;
    }
    return n === list.length ? list : list.slice(0, n);
  }

  snapshot(): Snapshot | StorageError {
    return this.source.snapshot();
  }

  /** Persists a Ready's hard state and entries (fsync'd when `sync`). */
  save(hardState: HardState | undefined, entries: readonly Entry[], sync: boolean): void {
    this.log.save(hardState, entries, sync);
    const first = entries[0];
    if (first === undefined) return;
    const head = this.cache[0];
    if (head === undefined || first.index < head.index || first.index > head.index + this.cache.length) this.cache = [];
    else this.cache.length = first.index - head.index;
    appendAll(this.cache, entries);
    if (this.cache.length > CACHE_ENTRIES) this.cache = this.cache.slice(this.cache.length - CACHE_ENTRIES);
  }

  /** The log restarts after an installed snapshot. */
  applySnapshot(index: number, term: number): void {
    this.log.reset(index, term);
    this.cache = [];
  }

  compact(index: number): void {
    const term = this.term(index);
    if (typeof term !== 'number') return;
    this.log.compact(index, term);
    const head = this.cache[0];
    if (head !== undefined && index >= head.index) this.cache = this.cache.slice(index - head.index + 1);
  }

  private cached(index: number): Entry | undefined {
    const head = this.cache[0];
    if (head === undefined || index < head.index) return undefined;
    return this.cache[index - head.index];
  }
}
