import { limitSize } from './entry-size.js';
import { isStorageError, type StorageError } from './errors.js';
import type { Storage } from './storage.js';
import type { Entry, Snapshot } from './types.js';
import { Unstable } from './unstable.js';

/**
 * The Raft log: durable entries (Storage) followed by unstable ones.
 * Tracks committed (known to be replicated on a quorum), applied (handed to
 * the application) and persisted (known durable locally, in this log).
 */
export class RaftLog {
  readonly storage: Storage;
  readonly unstable: Unstable;
  committed: number;
  applied: number;
  /** Highest index known durable here; the leader only counts itself up to it. */
  persisted: number;

  constructor(storage: Storage) {
    this.storage = storage;
    const first = storage.firstIndex();
    const last = storage.lastIndex();
    this.unstable = new Unstable(last + 1);
    this.committed = first - 1;
    this.applied = first - 1;
    this.persisted = last;
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  lastTerm(): number {
    const t = this.term(this.lastIndex());
    if (isStorageError(t)) throw new Error(`unexpected error reading last term: ${t.error}`);
    return t;
  }

  term(i: number): number | StorageError {
    const ut = this.unstable.maybeTerm(i);
    if (ut !== undefined) return ut;
    // The valid range is [firstIndex - 1, lastIndex].
    if (i < this.firstIndex() - 1) return { error: 'compacted' };
    if (i > this.lastIndex()) return { error: 'unavailable' };
    return this.storage.term(i);
  }

  /** Term at i, or 0 when it is unknown (compacted or past the end). */
  zeroTermOnError(i: number): number {
    const t = this.term(i);
    return isStorageError(t) ? 0 : t;
  }

  matchTerm(i: number, t: number): boolean {
    const lt = this.term(i);
    return !isStorageError(lt) && lt === t;
  }

  /** §5.4.1: is a log ending at (lastIndex, lastTerm) at least as up to date as ours? */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const ourTerm = this.lastTerm();
    return lastTerm > ourTerm || (lastTerm === ourTerm && lastIndex >= this.lastIndex());
  }

  /**
   * Follower side of MsgApp. Returns the last index of the new entries, or
   * undefined when (prevIndex, prevTerm) does not match our log.
   */
  maybeAppend(prevIndex: number, prevTerm: number, committed: number, ents: Entry[]): number | undefined {
    if (!this.matchTerm(prevIndex, prevTerm)) return undefined;
    const lastNew = prevIndex + ents.length;
    const ci = this.findConflict(ents);
    if (ci !== 0) {
      if (ci <= this.committed) {
        throw new Error(`entry ${ci} conflicts with committed entry (committed ${this.committed})`);
      }
      this.append(ents.slice(ci - (prevIndex + 1)));
    }
    this.commitTo(Math.min(committed, lastNew));
    return lastNew;
  }

  append(ents: readonly Entry[]): number {
    if (ents.length === 0) return this.lastIndex();
    const after = ents[0].index - 1;
    if (after < this.committed) {
      throw new Error(`append after ${after} is below committed ${this.committed}`);
    }
    this.unstable.truncateAndAppend(ents);
    if (this.persisted > after) this.persisted = after;
    return this.lastIndex();
  }

  /**
   * First index where `ents` disagrees with our log, or where it extends it;
   * 0 if every entry is already present.
   */
  findConflict(ents: readonly Entry[]): number {
    for (const e of ents) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * Fast backtracking: the largest index <= `index` whose term is <= `term`.
   * Entries after it cannot match a log whose entry at `index` has `term`.
   */
  findConflictByTerm(index: number, term: number): number {
    for (let i = index; i >= 0; i--) {
      const t = this.term(i);
      if (isStorageError(t)) return i; // compacted: the hint stops here
      if (t <= term) return i;
    }
    return 0;
  }

  commitTo(i: number): void {
    if (i <= this.committed) return;
    if (i > this.lastIndex()) {
      throw new Error(`commit ${i} is out of range [last ${this.lastIndex()}]; log lost or corrupted?`);
    }
    this.committed = i;
  }

  /** Leader: commit `i` only if it is an entry of `term` (§5.4.2). */
  maybeCommit(i: number, term: number): boolean {
    if (i > this.committed && this.zeroTermOnError(i) === term) {
      this.commitTo(i);
      return true;
    }
    return false;
  }

  appliedTo(i: number): void {
    if (i === 0) return;
    if (i > this.committed || i < this.applied) {
      throw new Error(`applied ${i} is out of range [${this.applied}, ${this.committed}]`);
    }
    this.applied = i;
  }

  stableTo(i: number, t: number): void {
    if (this.unstable.stableTo(i, t) && i > this.persisted) this.persisted = i;
  }

  stableSnapTo(i: number): void {
    this.unstable.stableSnapTo(i);
    if (i > this.persisted) this.persisted = i;
  }

  unstableEntries(): Entry[] {
    return this.unstable.entries;
  }

  hasUnstable(): boolean {
    return this.unstable.entries.length > 0 || this.unstable.snapshot !== undefined;
  }

  /** Committed entries not yet applied (those after a pending snapshot). */
  nextCommittedEntries(maxSize: number): Entry[] {
    const lo = Math.max(this.applied + 1, this.firstIndex());
    if (this.committed < lo) return [];
    const ents = this.slice(lo, this.committed + 1, maxSize);
    if (isStorageError(ents)) throw new Error(`unexpected error reading committed entries: ${ents.error}`);
    return ents;
  }

  hasNextCommittedEntries(): boolean {
    return this.committed >= Math.max(this.applied + 1, this.firstIndex());
  }

  snapshot(): Snapshot | StorageError {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  entries(lo: number, maxSize: number): Entry[] | StorageError {
    if (lo > this.lastIndex()) return [];
    return this.slice(lo, this.lastIndex() + 1, maxSize);
  }

  /** Entries [lo, hi) from storage and/or unstable, limited to maxSize bytes. */
  slice(lo: number, hi: number, maxSize: number): Entry[] | StorageError {
    if (lo >= hi) return [];
    if (lo < this.firstIndex()) return { error: 'compacted' };
    if (hi > this.lastIndex() + 1) throw new Error(`slice [${lo}, ${hi}) past last index ${this.lastIndex()}`);
    const uOff = this.unstable.offset;
    let ents: Entry[] = [];
    if (lo < uOff) {
      const stored = this.storage.entries(lo, Math.min(hi, uOff), maxSize);
      if (isStorageError(stored)) return stored;
      // Storage trimmed the result: do not add unstable entries after a gap.
      if (stored.length < Math.min(hi, uOff) - lo) return stored;
      ents = stored;
    }
    if (hi > uOff) {
      const u = this.unstable.slice(Math.max(lo, uOff), hi);
      ents = ents.length > 0 ? ents.concat(u) : u;
    }
    return limitSize(ents, maxSize);
  }

  restore(s: Snapshot): void {
    this.committed = s.metadata.index;
    this.persisted = Math.min(this.persisted, s.metadata.index);
    this.unstable.restore(s);
  }
}
