// Unit tests of the building blocks: storage, log, flow control, quorum,
// membership and the conf-change codec.
import { describe, expect, it } from 'vitest';
import { decodeConfChange, encodeConfChange } from './conf-change-codec.js';
import { Inflights } from './inflights.js';
import { RaftLog } from './log.js';
import { MemoryStorage } from './memory-storage.js';
import { Membership } from './membership.js';
import { Progress } from './progress.js';
import { committedIndex, voteResult } from './quorum.js';
import { decodeRound, encodeRound, ReadIndexTracker } from './read-index.js';
import type { Entry } from './types.js';

const e = (index: number, term: number, data = ''): Entry => ({
  index,
  term,
  type: 'normal',
  data: new TextEncoder().encode(data),
});

function storageWith(terms: number[]): MemoryStorage {
  const st = new MemoryStorage();
  st.append(terms.map((t, i) => e(i + 1, t)));
  return st;
}

describe('MemoryStorage', () => {
  it('serves entries, terms and bounds, with typed errors', () => {
    const st = storageWith([1, 1, 2, 3]);
    expect(st.firstIndex()).toBe(1);
    expect(st.lastIndex()).toBe(4);
    expect(st.term(0)).toBe(0);
    expect(st.term(3)).toBe(2);
    expect(st.term(5)).toEqual({ error: 'unavailable' });
    expect((st.entries(2, 4, Infinity) as Entry[]).map((x) => x.index)).toEqual([2, 3]);
    expect(st.entries(2, 6, Infinity)).toEqual({ error: 'unavailable' });
  });

  it('limits entries by size but always returns one', () => {
    const st = new MemoryStorage();
    st.append([e(1, 1, 'x'.repeat(100)), e(2, 1, 'y'), e(3, 1, 'z')]);
    expect(st.entries(1, 4, 0)).toHaveLength(1);
    expect(st.entries(2, 4, 40)).toHaveLength(2);
  });

  it('overwrites a conflicting suffix on append and refuses gaps', () => {
    const st = storageWith([1, 1, 1]);
    st.append([e(2, 2), e(3, 2)]);
    expect([st.term(1), st.term(2), st.term(3)]).toEqual([1, 2, 2]);
    expect(() => st.append([e(6, 2)])).toThrow();
  });

  it('compacts behind a snapshot and keeps the boundary term', () => {
    const st = storageWith([1, 1, 2, 2, 3]);
    const snap = st.createSnapshot(4, { voters: [1n], learners: [] }, new Uint8Array([9]));
    expect('metadata' in snap && snap.metadata).toEqual({ index: 4, term: 2, confState: { voters: [1n], learners: [] } });
    expect(st.compact(3)).toBeUndefined();
    expect(st.firstIndex()).toBe(4);
    expect(st.term(3)).toBe(2);
    expect(st.term(2)).toEqual({ error: 'compacted' });
    expect(st.entries(2, 5, Infinity)).toEqual({ error: 'compacted' });
    expect(st.compact(2)).toEqual({ error: 'compacted' });
    expect(st.createSnapshot(3, { voters: [], learners: [] }, new Uint8Array())).toEqual({ error: 'snapshot-out-of-date' });
  });

  it('applySnapshot replaces the log and the configuration', () => {
    const st = storageWith([1, 1]);
    const snap = { metadata: { index: 10, term: 4, confState: { voters: [1n, 2n], learners: [3n] } }, data: new Uint8Array() };
    expect(st.applySnapshot(snap)).toBeUndefined();
    expect(st.firstIndex()).toBe(11);
    expect(st.lastIndex()).toBe(10);
    expect(st.term(10)).toBe(4);
    expect(st.initialState().confState).toEqual({ voters: [1n, 2n], learners: [3n] });
    expect(st.applySnapshot(snap)).toEqual({ error: 'snapshot-out-of-date' });
  });
});

describe('RaftLog', () => {
  it('appends after a matching predecessor and truncates conflicts', () => {
    const log = new RaftLog(storageWith([1, 1, 2]));
    expect(log.maybeAppend(3, 1, 0, [e(4, 3)])).toBeUndefined(); // (3,1) does not match
    expect(log.maybeAppend(2, 1, 2, [e(3, 3), e(4, 3)])).toBe(4);
    expect(log.term(3)).toBe(3);
    expect(log.committed).toBe(2);
    expect(log.persisted).toBe(2); // the stable entry 3 was overwritten
  });

  it('never truncates below the commit index', () => {
    const log = new RaftLog(storageWith([1, 1, 2]));
    log.commitTo(3);
    expect(() => log.maybeAppend(2, 1, 3, [e(3, 3)])).toThrow();
  });

  it('findConflictByTerm: the last index at or below `index` whose term is <= `term`', () => {
    const log = new RaftLog(storageWith([1, 1, 2, 2, 2, 5, 5]));
    expect(log.findConflictByTerm(7, 4)).toBe(5);
    expect(log.findConflictByTerm(7, 5)).toBe(7);
    expect(log.findConflictByTerm(4, 1)).toBe(2);
    expect(log.findConflictByTerm(7, 0)).toBe(0);
  });

  it('stableTo ignores entries that were replaced meanwhile', () => {
    const log = new RaftLog(new MemoryStorage());
    log.append([e(1, 1), e(2, 1)]);
    log.append([e(2, 2)]);
    log.stableTo(2, 1); // the Ready that held (2,1) is done, but (2,2) replaced it
    expect(log.unstableEntries().map((x) => x.term)).toEqual([1, 2]);
    log.stableTo(2, 2);
    expect(log.unstableEntries()).toEqual([]);
    expect(log.persisted).toBe(2);
  });

  it('is up to date by last term first, then by length (§5.4.1)', () => {
    const log = new RaftLog(storageWith([1, 2, 2]));
    expect(log.isUpToDate(3, 2)).toBe(true);
    expect(log.isUpToDate(2, 2)).toBe(false);
    expect(log.isUpToDate(1, 3)).toBe(true);
    expect(log.isUpToDate(9, 1)).toBe(false);
  });

  it('commits only entries of the given term with maybeCommit', () => {
    const log = new RaftLog(storageWith([1, 2, 3]));
    expect(log.maybeCommit(2, 3)).toBe(false);
    expect(log.maybeCommit(3, 3)).toBe(true);
    expect(log.committed).toBe(3);
  });
});

describe('flow control', () => {
  it('inflights fill by count or bytes and free on acknowledgement', () => {
    const inf = new Inflights(3, 100);
    inf.add(5, 10);
    inf.add(7, 10);
    expect(inf.full()).toBe(false);
    inf.add(9, 10);
    expect(inf.full()).toBe(true);
    inf.freeLE(7);
    expect(inf.count()).toBe(1);
    inf.add(12, 95);
    expect(inf.full()).toBe(true); // 105 bytes
    inf.freeFirst();
    expect(inf.count()).toBe(1);
  });

  it('progress: probe sends one at a time; a rejection uses the hint; stale rejections are ignored', () => {
    const pr = new Progress(11, 4, 0, false);
    pr.sentEntries(10, 0, false);
    expect(pr.isPaused()).toBe(true);
    expect(pr.maybeDecrTo(9, 3)).toBe(false); // not the latest probe
    expect(pr.maybeDecrTo(10, 3)).toBe(true);
    expect(pr.next).toBe(4);
    expect(pr.isPaused()).toBe(false);
    pr.maybeUpdate(6);
    pr.becomeReplicate();
    expect(pr.next).toBe(7);
    pr.sentEntries(9, 30, true);
    expect(pr.next).toBe(10);
    expect(pr.maybeDecrTo(5, 0)).toBe(false); // below match: stale
  });
});

describe('quorum', () => {
  it('commit index is what a majority has reached', () => {
    const voters = new Set([1n, 2n, 3n, 4n, 5n]);
    const m = new Map([[1n, 9], [2n, 7], [3n, 7], [4n, 3], [5n, 1]]);
    expect(committedIndex(voters, (id) => m.get(id) ?? 0)).toBe(7);
    expect(committedIndex(new Set([1n, 2n]), (id) => m.get(id) ?? 0)).toBe(7);
  });

  it('votes: won, lost, pending', () => {
    const voters = new Set([1n, 2n, 3n]);
    expect(voteResult(voters, new Map([[1n, true]]))).toBe('pending');
    expect(voteResult(voters, new Map([[1n, true], [2n, true]]))).toBe('won');
    expect(voteResult(voters, new Map([[1n, true], [2n, false], [3n, false]]))).toBe('lost');
  });

  it('read rounds: a round confirmed by a quorum releases the reads of it and earlier rounds', () => {
    const t = new ReadIndexTracker();
    const voters = new Set([1n, 2n, 3n]);
    t.add(new Uint8Array([1]), 1n, 5);
    t.startRound();
    t.add(new Uint8Array([2]), 2n, 6);
    t.startRound();
    expect(t.ack(2n, 1, voters, 1n).map((r) => r.index)).toEqual([5]);
    expect(t.ack(3n, 2, voters, 1n).map((r) => r.index)).toEqual([6]);
    expect(decodeRound(encodeRound(12345))).toBe(12345);
  });
});

describe('membership', () => {
  it('applies single-server changes', () => {
    let m = new Membership({ voters: [1n, 2n, 3n], learners: [] });
    m = m.apply({ type: 'addLearner', nodeId: 4n });
    expect(m.confState()).toEqual({ voters: [1n, 2n, 3n], learners: [4n] });
    m = m.apply({ type: 'addNode', nodeId: 4n }); // promotion
    expect(m.confState()).toEqual({ voters: [1n, 2n, 3n, 4n], learners: [] });
    m = m.apply({ type: 'addLearner', nodeId: 1n }); // demotion
    expect(m.confState()).toEqual({ voters: [2n, 3n, 4n], learners: [1n] });
    m = m.apply({ type: 'removeNode', nodeId: 1n });
    expect(m.confState()).toEqual({ voters: [2n, 3n, 4n], learners: [] });
  });

  it('ignores a change that would leave no voter', () => {
    const m = new Membership({ voters: [1n], learners: [] });
    expect(m.apply({ type: 'removeNode', nodeId: 1n }).confState().voters).toEqual([1n]);
  });

  it('conf changes round-trip through entry data', () => {
    const cc = { type: 'addLearner' as const, nodeId: 0xffff_ffff_ffff_fff1n, context: new Uint8Array([7, 8]) };
    expect(decodeConfChange(encodeConfChange(cc))).toEqual(cc);
    expect(decodeConfChange(encodeConfChange({ type: 'removeNode', nodeId: 3n }))).toEqual({ type: 'removeNode', nodeId: 3n });
  });
});
