import { limitSize } from './entry-size.js';
import { storageError, type StorageError } from './errors.js';
import type { Storage } from './storage.js';
import type { ConfState, Entry, HardState, Snapshot } from './types.js';
import { NONE } from './types.js';

const EMPTY = new Uint8Array(0);

export function emptySnapshot(): Snapshot {
  return { metadata: { index: 0, term: 0, confState: { voters: [], learners: [] } }, data: EMPTY };
}

/**
 * In-memory Storage. In tests and the simulator it stands for what is on
 * disk: only what the application wrote while handling a Ready is here.
 */
export class MemoryStorage implements Storage {
  private hard: HardState = { term: 0, vote: NONE, commit: 0 };
  private snap: Snapshot = emptySnapshot();
  /** ents[0] is a placeholder holding the snapshot's index and term. */
  private ents: Entry[] = [{ index: 0, term: 0, type: 'normal', data: EMPTY }];

  initialState(): { hardState: HardState; confState: ConfState } {
    const cs = this.snap.metadata.confState;
    return {
      hardState: { ...this.hard },
      confState: { voters: [...cs.voters], learners: [...cs.learners] },
    };
  }

  setHardState(hs: HardState): void {
    this.hard = { ...hs };
  }

  hardState(): HardState {
    return { ...this.hard };
  }

  private get offset(): number {
    return this.ents[0].index;
  }

  firstIndex(): number {
    return this.offset + 1;
  }

  lastIndex(): number {
    return this.offset + this.ents.length - 1;
  }

  entries(lo: number, hi: number, maxSize: number): Entry[] | StorageError {
    if (lo <= this.offset) return storageError('compacted');
    if (hi > this.lastIndex() + 1) return storageError('unavailable');
    if (lo >= hi) return [];
    return limitSize(this.ents.slice(lo - this.offset, hi - this.offset), maxSize);
  }

  term(index: number): number | StorageError {
    if (index < this.offset) return storageError('compacted');
    if (index > this.lastIndex()) return storageError('unavailable');
    return this.ents[index - this.offset].term;
  }

  snapshot(): Snapshot | StorageError {
    return this.snap;
  }

  /** Replaces the whole log with the snapshot (a follower receiving MsgSnap). */
  applySnapshot(snap: Snapshot): StorageError | undefined {
    if (snap.metadata.index <= this.snap.metadata.index) return storageError('snapshot-out-of-date');
    this.snap = snap;
    this.ents = [{ index: snap.metadata.index, term: snap.metadata.term, type: 'normal', data: EMPTY }];
    return undefined;
  }

  /**
   * Records a snapshot of the state machine as of `index` (which must be
   * applied, hence stored here). Does not compact; call compact() after.
   */
  createSnapshot(index: number, confState: ConfState, data: Uint8Array): Snapshot | StorageError {
    if (index <= this.snap.metadata.index) return storageError('snapshot-out-of-date');
    if (index > this.lastIndex()) {
      throw new Error(`createSnapshot ${index} is past the last index ${this.lastIndex()}`);
    }
    const term = this.ents[index - this.offset].term;
    this.snap = {
      metadata: { index, term, confState: { voters: [...confState.voters], learners: [...confState.learners] } },
      data,
    };
    return this.snap;
  }

  /** Drops entries up to and including `index` (keeping its term). */
  compact(index: number): StorageError | undefined {
    if (index <= this.offset) return storageError('compacted');
    if (index > this.lastIndex()) {
      throw new Error(`compact ${index} is past the last index ${this.lastIndex()}`);
    }
    const i = index - this.offset;
    const head: Entry = { index, term: this.ents[i].term, type: 'normal', data: EMPTY };
    this.ents = [head, ...this.ents.slice(i + 1)];
    return undefined;
  }

  /**
   * Appends entries, overwriting any conflicting suffix. Entries already
   * covered by the snapshot are ignored; a gap after the last index throws.
   */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = entries[entries.length - 1].index;
    if (last < first) return;
    const ents = first > entries[0].index ? entries.slice(first - entries[0].index) : entries;
    const at = ents[0].index - this.offset;
    if (at > this.ents.length) {
      throw new Error(`missing log entries: last ${this.lastIndex()}, appending at ${ents[0].index}`);
    }
    this.ents = this.ents.slice(0, at).concat(ents);
  }
}
