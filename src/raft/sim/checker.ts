import { isStorageError } from '../errors.js';
import type { RaftLog } from '../log.js';
import type { MemoryStorage } from '../memory-storage.js';
import type { Entry, NodeId, Ready } from '../types.js';
import { entryKey } from './state-machine.js';

export class SafetyViolation extends Error {}

/**
 * Safety invariants, checked incrementally as the simulation runs:
 * - election safety: at most one leader per term;
 * - leader completeness: a new leader holds every entry known committed in
 *   an earlier term;
 * - log matching: an (index, term) pair always names the same entry with the
 *   same predecessor term, so equal (index, term) implies equal prefixes;
 * - committed entries never change: whatever a node persists as committed,
 *   or applies, at an index is the same on every node, forever;
 * - every node applies the same sequence (hash chain per index, also across
 *   snapshots);
 * - ReadIndex: a read returns an index at least as high as every write
 *   applied anywhere before the read began.
 */
export class Checker {
  private readonly leaders = new Map<number, NodeId>();
  private readonly entries = new Map<string, { key: string; prevTerm: number }>();
  private readonly committed = new Map<number, string>();
  /** Earliest term in which some node knew the index committed. */
  private readonly commitTerms = new Map<number, number>();
  private readonly hashes = new Map<number, number>();
  /** Highest index applied by any node: every write up to it was acknowledged. */
  maxApplied = 0;
  readsChecked = 0;

  private fail(msg: string): never {
    throw new SafetyViolation(msg);
  }

  observeRole(id: NodeId, state: string, term: number, log: RaftLog): void {
    if (state !== 'leader') return;
    const prev = this.leaders.get(term);
    if (prev === undefined) {
      this.leaders.set(term, id);
      this.checkLeaderCompleteness(id, term, log);
    } else if (prev !== id) {
      this.fail(`election safety: nodes ${prev} and ${id} are both leader of term ${term}`);
    }
  }

  /** §5.4: a new leader holds every entry committed in an earlier term. */
  private checkLeaderCompleteness(id: NodeId, term: number, log: RaftLog): void {
    const first = log.firstIndex();
    const last = log.lastIndex();
    for (const [index, commitTerm] of this.commitTerms) {
      if (commitTerm >= term || index < first) continue;
      const key = this.committed.get(index);
      const ents = index <= last ? log.slice(index, index + 1, Number.POSITIVE_INFINITY) : [];
      const have = Array.isArray(ents) && ents.length === 1 ? entryKey(ents[0]) : undefined;
      if (have !== key) {
        this.fail(
          `leader completeness: node ${id}, leader of term ${term}, lacks index ${index} [${key}] committed in term ${commitTerm} (has [${have ?? 'nothing'}])`,
        );
      }
    }
  }

  leaderCount(): number {
    return this.leaders.size;
  }

  /** After a node wrote a Ready to its durable storage. */
  onPersist(id: NodeId, rd: Ready, durable: MemoryStorage, checkedCommit: number): number {
    for (const e of rd.entries) {
      const pt = durable.term(e.index - 1);
      this.checkEntry(id, e, isStorageError(pt) ? -1 : pt);
    }
    const hs = durable.hardState();
    let from = checkedCommit + 1;
    if (rd.snapshot) from = Math.max(from, rd.snapshot.metadata.index + 1);
    from = Math.max(from, durable.firstIndex());
    if (hs.commit > durable.lastIndex()) {
      this.fail(`node ${id} persisted commit ${hs.commit} beyond its durable log (last ${durable.lastIndex()})`);
    }
    if (from <= hs.commit) {
      const ents = durable.entries(from, hs.commit + 1, Number.POSITIVE_INFINITY);
      if (isStorageError(ents)) this.fail(`node ${id} cannot read committed entries: ${ents.error}`);
      for (const e of ents) {
        this.checkCommitted(id, e, 'persisted as committed');
        const t = this.commitTerms.get(e.index);
        if (t === undefined || hs.term < t) this.commitTerms.set(e.index, hs.term);
      }
    }
    return Math.max(checkedCommit, hs.commit);
  }

  private checkEntry(id: NodeId, e: Entry, prevTerm: number): void {
    const k = `${e.index}:${e.term}`;
    const key = entryKey(e);
    const seen = this.entries.get(k);
    if (seen === undefined) {
      this.entries.set(k, { key, prevTerm });
      return;
    }
    if (seen.key !== key) this.fail(`log matching: node ${id} has a different entry at (${e.index}, ${e.term})`);
    if (prevTerm >= 0 && seen.prevTerm >= 0 && seen.prevTerm !== prevTerm) {
      this.fail(`log matching: node ${id} has entry (${e.index}, ${e.term}) after term ${prevTerm}, others after ${seen.prevTerm}`);
    }
  }

  private checkCommitted(id: NodeId, e: Entry, how: string): void {
    const key = entryKey(e);
    const prev = this.committed.get(e.index);
    if (prev === undefined) this.committed.set(e.index, key);
    else if (prev !== key) {
      this.fail(`state machine safety: node ${id} ${how} index ${e.index} = [${key}], previously committed [${prev}]`);
    }
  }

  /** A node applied entry `e`, reaching `hash`. */
  onApply(id: NodeId, prevIndex: number, e: Entry, hash: number): void {
    if (e.index !== prevIndex + 1) this.fail(`node ${id} applied index ${e.index} after ${prevIndex}`);
    this.checkCommitted(id, e, 'applied');
    this.checkHash(id, e.index, hash);
    if (e.index > this.maxApplied) this.maxApplied = e.index;
  }

  onSnapshotApplied(id: NodeId, index: number, hash: number): void {
    this.checkHash(id, index, hash);
  }

  private checkHash(id: NodeId, index: number, hash: number): void {
    const prev = this.hashes.get(index);
    if (prev === undefined) this.hashes.set(index, hash);
    else if (prev !== hash) this.fail(`node ${id} applied a different sequence up to index ${index}`);
  }

  /** A read that began when maxApplied was `floor` was answered with `index`. */
  onRead(id: NodeId, ctx: string, floor: number, index: number): void {
    this.readsChecked++;
    if (index < floor) {
      this.fail(`linearizability: read ${ctx} on node ${id} got index ${index}, but index ${floor} was applied before it began`);
    }
  }
}
