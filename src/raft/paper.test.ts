// Scenario tests, one per rule of the Raft paper ("In Search of an
// Understandable Consensus Algorithm", §5.2–§5.4, and §6 for membership).
// Logs are written as lists of terms. Every cluster is bootstrapped with one
// committed term-1 conf-change entry per member, so "the paper's index i" is
// our index i + (members - 1); the helpers hide that offset.
import { describe, expect, it } from 'vitest';
import { bytes, TestCluster } from '../../test/support/raft-cluster.js';
import type { Entry, NodeId } from './types.js';

const S = (n: number): NodeId => BigInt(n);

/** Paper index -> our index (the paper's entry 1, of term 1, is our last bootstrap entry). */
function at(c: TestCluster, paperIndex: number): number {
  return paperIndex + c.nodes.size - 1;
}

/**
 * Gives node `id` the log `terms` (paper indexes 1..n; index 1 must be term
 * 1) and current term `term`, as if it had crashed and restarted.
 */
function setLog(c: TestCluster, id: NodeId, terms: number[], term: number): void {
  const n = c.node(id);
  const ents: Entry[] = terms.slice(1).map((t, i) => ({
    index: at(c, i + 2),
    term: t,
    type: 'normal',
    data: bytes(`${i + 2}@${t}`),
  }));
  n.storage.append(ents);
  n.storage.setHardState({ term, vote: 0n, commit: c.nodes.size });
  n.restart();
}

function terms(c: TestCluster, id: NodeId): number[] {
  // Paper view: drop the bootstrap entries before paper index 1.
  return c
    .node(id)
    .logEntries()
    .filter((e) => e.index >= at(c, 1))
    .map((e) => e.term);
}

describe('§5.2 leader election', () => {
  it('Election Safety: at most one leader can be elected in a given term', () => {
    // Two candidates split five voters in the same term.
    const c = new TestCluster([1, 2, 3, 4, 5].map(S));
    c.filter = (m) => !(m.type === 'MsgVote' && ((m.from === S(1) && m.to > S(2)) || (m.from === S(5) && m.to < S(4))));
    c.node(S(1)).raw.campaign();
    c.node(S(5)).raw.campaign();
    c.deliver();
    expect(c.node(S(1)).term).toBe(c.node(S(5)).term);
    const leaders = [...c.nodes.values()].filter((n) => n.state === 'leader');
    expect(leaders.length).toBeLessThanOrEqual(1);
    // Node 3 heard neither, so neither has three votes: no leader at all here.
    expect(leaders).toHaveLength(0);
  });

  it('each server votes for at most one candidate in a given term, first-come-first-served', () => {
    const c = new TestCluster([1, 2, 3].map(S));
    c.filter = (m) => m.to !== S(3) || m.type !== 'MsgVote';
    c.node(S(1)).raw.campaign();
    c.node(S(2)).raw.campaign();
    c.deliver();
    const [v1, v2] = c.trace.filter((m) => m.type === 'MsgVote' && m.to === S(3));
    expect(v1.term).toBe(v2.term);
    const voter = c.node(S(3));
    voter.raw.step(v1);
    voter.raw.step(v2);
    const answers = voter.drain().filter((m) => m.type === 'MsgVoteResp');
    expect(answers.map((m) => [m.to, m.reject])).toEqual([
      [v1.from, false],
      [v2.from, true],
    ]);
    // The vote is part of the durable state.
    expect(voter.storage.hardState().vote).toBe(v1.from);
  });

  it('a candidate wins once it has votes from a majority', () => {
    const c = new TestCluster([1, 2, 3, 4, 5].map(S));
    c.isolate(S(4));
    c.isolate(S(5));
    c.elect(S(1));
    expect(c.node(S(1)).state).toBe('leader');
  });

  it('a candidate that hears from a leader of at least its term returns to follower', () => {
    const c = new TestCluster([1, 2, 3].map(S));
    c.elect(S(1));
    c.isolate(S(3));
    c.node(S(3)).raw.campaign(); // term + 1, alone
    c.deliver();
    expect(c.node(S(3)).state).toBe('candidate');
    c.heal();
    c.elect(S(2)); // a leader of an even higher term
    c.tickAll(1);
    expect(c.node(S(3)).state).toBe('follower');
    expect(c.node(S(3)).raw.status().lead).toBe(S(2));
  });

  it('a candidate rejects an AppendEntries with a smaller term and stays candidate', () => {
    const c = new TestCluster([1, 2, 3].map(S));
    c.elect(S(1));
    const stale = c.trace.find((m) => m.type === 'MsgApp' && m.to === S(3));
    expect(stale).toBeDefined();
    c.isolate(S(3));
    c.node(S(3)).raw.campaign();
    c.deliver();
    const cand = c.node(S(3));
    if (stale) cand.raw.step(stale);
    expect(cand.state).toBe('candidate');
  });

  it('election timeouts are randomized in [electionTick, 2 * electionTick)', () => {
    const c = new TestCluster([1, 2, 3].map(S));
    const firstTimeout = (id: NodeId): number => {
      for (let t = 1; t <= 20; t++) {
        c.node(id).raw.tick();
        if (c.node(id).state !== 'follower') return t;
      }
      return -1;
    };
    const ts = [1, 2, 3].map((i) => firstTimeout(S(i)));
    for (const t of ts) {
      expect(t).toBeGreaterThanOrEqual(10);
      expect(t).toBeLessThan(20);
    }
    expect(new Set(ts).size).toBeGreaterThan(1);
  });

  it('a server that sees a higher term adopts it and steps down (§5.1)', () => {
    const c = new TestCluster([1, 2, 3].map(S));
    c.elect(S(1));
    c.isolate(S(1));
    c.elect(S(2));
    expect(c.node(S(1)).state).toBe('leader'); // does not know yet
    c.heal();
    c.tickAll(1);
    expect(c.node(S(1)).state).toBe('follower');
    expect(c.node(S(1)).term).toBe(c.node(S(2)).term);
  });
});

describe('§5.3 log replication', () => {
  it('Log Matching: a follower refuses entries whose predecessor it does not have', () => {
    const c = new TestCluster([1, 2, 3].map(S));
    setLog(c, S(1), [1, 2, 2], 2);
    setLog(c, S(2), [1, 3], 3);
    c.elect(S(2)); // term 4, node 1 votes (last term 3 > 2)
    expect(c.node(S(2)).state).toBe('leader');
    const rejects = c.trace.filter((m) => m.type === 'MsgAppResp' && m.from === S(1) && m.reject);
    expect(rejects.length).toBeGreaterThan(0);
    // After the repair, equal (index, term) means equal prefixes: the logs are identical.
    expect(terms(c, S(1))).toEqual([1, 3, 4]);
    expect(c.node(S(1)).logEntries()).toEqual(c.node(S(2)).logEntries());
  });

  it('Figure 7: the leader brings every follower log into agreement with its own', () => {
    const ids = [1, 2, 3, 4, 5, 6, 7].map(S);
    const c = new TestCluster(ids);
    const leaderLog = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
    setLog(c, S(1), leaderLog, 7);
    setLog(c, S(2), [1, 1, 1, 4, 4, 5, 5, 6, 6], 6); // (a) missing entries
    setLog(c, S(3), [1, 1, 1, 4], 4); // (b) missing entries
    setLog(c, S(4), [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6], 6); // (c) extra uncommitted entry
    setLog(c, S(5), [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7], 7); // (d) extra entries of term 7
    setLog(c, S(6), [1, 1, 1, 4, 4, 4, 4], 4); // (e) missing and extra entries
    setLog(c, S(7), [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3], 3); // (f) a different history
    c.deliver();
    const before = c.node(S(1)).logEntries();
    c.elect(S(1)); // term 8: (a), (b), (e), (f) vote for it
    expect(c.node(S(1)).state).toBe('leader');
    expect(c.node(S(1)).term).toBe(8);
    const expected = [...leaderLog, 8];
    for (const id of ids) expect(terms(c, id)).toEqual(expected);
    // Leader Append-Only: the leader's own entries were never touched.
    expect(c.node(S(1)).logEntries().slice(0, before.length)).toEqual(before);
  });

  it('Leader Append-Only: a leader never overwrites or deletes its entries', () => {
    const c = new TestCluster([1, 2, 3].map(S));
    c.elect(S(1));
    c.propose(S(1), 'a');
    const staleLeaderApp = c.trace.filter((m) => m.type === 'MsgApp' && m.from === S(1)).at(-1);
    c.isolate(S(1));
    c.propose(S(1), 'uncommitted'); // stays in the old leader's log only
    const oldLog = c.node(S(1)).logEntries();
    c.elect(S(2));
    c.propose(S(2), 'b');
    // A message from the old term cannot change the current leader's log.
    const leader = c.node(S(2));
    const leaderLog = leader.logEntries();
    if (staleLeaderApp) leader.raw.step({ ...staleLeaderApp, to: S(2) });
    leader.drain();
    expect(leader.logEntries()).toEqual(leaderLog);
    // While isolated, the old leader only ever appended.
    expect(c.node(S(1)).logEntries()).toEqual(oldLog);
  });

  it('an entry is committed once the leader has replicated it on a majority, and then applied', () => {
    const c = new TestCluster([1, 2, 3, 4, 5].map(S));
    c.elect(S(1));
    c.isolate(S(4));
    c.isolate(S(5));
    c.propose(S(1), 'x');
    const idx = c.node(S(1)).logEntries().at(-1)?.index ?? 0;
    expect(c.node(S(1)).raw.status().commit).toBe(idx);
    expect(c.node(S(1)).appliedData()).toEqual(['x']);
    c.isolate(S(3));
    c.propose(S(1), 'y'); // only on nodes 1 and 2: not a majority
    expect(c.node(S(1)).appliedData()).toEqual(['x']);
  });
});

describe('§5.4 safety', () => {
  it('Election restriction: a voter denies its vote to a candidate whose log is less up to date', () => {
    const c = new TestCluster([1, 2, 3].map(S));
    setLog(c, S(1), [1, 2], 2);
    setLog(c, S(2), [1, 2, 2], 2); // same last term, longer
    setLog(c, S(3), [1, 3], 3); // higher last term, shorter
    c.deliver();
    c.elect(S(1));
    expect(c.node(S(1)).state).not.toBe('leader');
    const resp = c.trace.filter((m) => m.type === 'MsgVoteResp' && m.to === S(1));
    expect(resp.every((m) => m.reject)).toBe(true);
    // Node 3's last term is higher, so it is more up to date than node 2 despite being shorter.
    c.elect(S(3));
    expect(c.node(S(3)).state).toBe('leader');
  });

  it('Leader Completeness: a committed entry is present in the log of every later leader', () => {
    const c = new TestCluster([1, 2, 3, 4, 5].map(S));
    c.elect(S(1));
    c.isolate(S(4));
    c.isolate(S(5));
    c.propose(S(1), 'committed');
    const e = c.node(S(1)).logEntries().at(-1);
    // Nodes 4 and 5 missed it; neither can win, any winner holds the entry.
    c.heal();
    c.isolate(S(1));
    c.elect(S(4));
    expect(c.node(S(4)).state).not.toBe('leader');
    c.elect(S(5));
    expect(c.node(S(5)).state).not.toBe('leader');
    c.tickAll(50);
    const leader = c.leader();
    expect(leader && leader.id !== S(1)).toBe(true);
    expect(leader?.logEntries().find((x) => x.index === e?.index)).toEqual(e);
  });

  // Figure 8: why a leader cannot conclude that an entry of an older term is
  // committed once it is stored on a majority.
  function figure8(c: TestCluster, hideCommitFromFollowers = false): { x: Entry } {
    const [s1, s2, s3, s4, s5] = [1, 2, 3, 4, 5].map(S);
    // (a) S1 is leader in term 2 and replicates entry x (index 2) to S2 only.
    c.elect(s1);
    expect(c.node(s1).term).toBe(2);
    c.isolate(s1);
    c.heal();
    for (const o of [s3, s4, s5]) c.cutLink(s1, o);
    c.propose(s1, 'x');
    const x = c.node(s1).logEntries().at(-1) as Entry;
    expect(x.term).toBe(2);
    expect(c.node(s2).logEntries().at(-1)).toEqual(x);
    // (b) S1 crashes; S5 is elected for term 3 by S3, S4 and itself, and
    // appends a different entry at index 2 that nobody else receives.
    c.heal();
    c.isolate(s1);
    c.filter = (m) => !(m.from === s5 && m.type === 'MsgApp');
    c.elect(s5);
    expect(c.node(s5).state).toBe('leader');
    expect(c.node(s5).term).toBe(3);
    expect(c.node(s5).logEntries().find((e) => e.index === x.index)?.term).toBe(3);
    // (c) S5 crashes; S1 restarts and is elected for term 4 (its first try, for
    // term 3, is refused by S3 and S4 who already voted in term 3). It
    // replicates x to S3, so x is on a majority — but the append carrying its
    // own term-4 entry is lost.
    c.heal();
    c.isolate(s5);
    c.node(s1).restart();
    c.filter = (m) => {
      if (m.type === 'MsgApp' && m.from === s1) m.entries = m.entries.filter((e) => e.term !== 4);
      // (Only with the unsafe switch can S1 believe x committed; keep that to itself.)
      return !(hideCommitFromFollowers && m.from === s1 && m.commit >= x.index);
    };
    c.elect(s1);
    if (c.node(s1).state !== 'leader') c.elect(s1);
    expect(c.node(s1).state).toBe('leader');
    expect(c.node(s1).term).toBe(4);
    for (const id of [s1, s2, s3]) expect(c.node(id).logEntries().find((e) => e.index === x.index)).toEqual(x);
    return { x };
  }

  it('Figure 8: an entry of an older term stored on a majority is not committed by counting', () => {
    const c = new TestCluster([1, 2, 3, 4, 5].map(S), { maxSizePerMsg: 0 });
    const [s1, s2, s3, s5] = [1, 2, 3, 5].map(S);
    const { x } = figure8(c);
    expect(c.node(s1).raw.status().commit).toBeLessThan(x.index);
    // (d) S1 crashes; S5 can be elected (by S2, S3, S4) and overwrites x.
    c.heal();
    c.isolate(s1);
    c.node(s5).restart();
    c.elect(s5);
    if (c.node(s5).state !== 'leader') c.elect(s5);
    expect(c.node(s5).state).toBe('leader');
    for (const id of [s2, s3]) expect(c.node(id).logEntries().find((e) => e.index === x.index)?.term).toBe(3);
    // That was safe: nobody ever applied x.
    for (const n of c.nodes.values()) expect(n.appliedData()).not.toContain('x');
  });

  it('Figure 8 (e): once the leader replicates an entry of its own term, both are committed', () => {
    const c = new TestCluster([1, 2, 3, 4, 5].map(S), { maxSizePerMsg: 0 });
    const [s1, s5] = [1, 5].map(S);
    const { x } = figure8(c);
    c.filter = (m) => m.from !== s5 && m.to !== s5;
    c.propose(s1, 'y');
    expect(c.node(s1).raw.status().commit).toBeGreaterThan(x.index);
    expect(c.node(s1).appliedData()).toEqual(['x', 'y']);
    // S5 can no longer win: a majority has a log with a term-4 entry.
    c.heal();
    c.isolate(s1);
    c.node(s5).restart();
    c.elect(s5);
    c.elect(s5);
    expect(c.node(s5).state).not.toBe('leader');
  });

  it('Figure 8 with the test-only unsafeCommitOldTerms switch: a committed entry is lost', () => {
    const c = new TestCluster([1, 2, 3, 4, 5].map(S), { maxSizePerMsg: 0, unsafeCommitOldTerms: true });
    const [s1, s2, s3, s5] = [1, 2, 3, 5].map(S);
    const { x } = figure8(c, true);
    // S1 counted x on a majority and, wrongly, committed and applied it.
    expect(c.node(s1).raw.status().commit).toBeGreaterThanOrEqual(x.index);
    expect(c.node(s1).appliedData()).toContain('x');
    // (d) S1 crashes; S5 is elected and overwrites x, then commits its own entry there.
    c.heal();
    c.isolate(s1);
    c.node(s5).restart();
    c.elect(s5);
    if (c.node(s5).state !== 'leader') c.elect(s5);
    expect(c.node(s5).state).toBe('leader');
    c.propose(s5, 'z');
    for (const id of [s2, s3]) {
      expect(c.node(id).appliedIndex).toBeGreaterThanOrEqual(x.index);
      expect(c.node(id).appliedData()).toEqual(['z']); // x was applied by S1, never by them
    }
  });

  it('State Machine Safety: servers never apply different entries at the same index', () => {
    // Leaders change repeatedly while some nodes are cut off.
    const c = new TestCluster([1, 2, 3, 4, 5].map(S));
    const order = [1, 3, 5, 2, 4, 1, 5, 3].map(S);
    order.forEach((id, i) => {
      c.heal();
      c.isolate(order[(i + 1) % order.length]);
      c.elect(id);
      c.propose(id, `v${i}`);
      c.tickAll(2);
    });
    c.heal();
    c.tickAll(30);
    const seqs = [...c.nodes.values()].map((n) => n.applied.map((e) => `${e.index}:${e.term}`));
    for (const s of seqs) {
      const shorter = s.length < seqs[0].length ? s : seqs[0];
      const longer = s.length < seqs[0].length ? seqs[0] : s;
      expect(longer.slice(0, shorter.length)).toEqual(shorter);
    }
  });
});

describe('§6 cluster membership changes', () => {
  it('only one change at a time: a second change is refused until the first is applied', () => {
    const c = new TestCluster([1, 2, 3].map(S));
    c.elect(S(1));
    const n1 = c.node(S(1)).raw;
    c.filter = (m) => m.type !== 'MsgAppResp';
    expect(n1.proposeConfChange({ type: 'addLearner', nodeId: S(4) })).toBeUndefined();
    expect(n1.proposeConfChange({ type: 'addLearner', nodeId: S(5) })).toEqual({
      type: 'proposal-dropped',
      reason: 'conf-change-pending',
    });
    c.heal();
    c.tickAll(2);
    expect(c.node(S(1)).confState.learners).toEqual([S(4)]);
    expect(n1.proposeConfChange({ type: 'addLearner', nodeId: S(5) })).toBeUndefined();
  });

  it('a new leader first commits an entry of its own term before accepting a change', () => {
    const c = new TestCluster([1, 2, 3].map(S));
    c.elect(S(1));
    c.filter = (m) => m.type !== 'MsgAppResp';
    c.elect(S(2));
    expect(c.node(S(2)).state).toBe('leader');
    expect(c.node(S(2)).raw.proposeConfChange({ type: 'removeNode', nodeId: S(3) })).toEqual({
      type: 'proposal-dropped',
      reason: 'conf-change-pending',
    });
    c.heal();
    c.tickAll(2);
    expect(c.node(S(2)).raw.proposeConfChange({ type: 'removeNode', nodeId: S(3) })).toBeUndefined();
  });

  it('a change takes effect when applied, not when appended', () => {
    const c = new TestCluster([1, 2, 3].map(S));
    c.elect(S(1));
    c.filter = (m) => m.type !== 'MsgAppResp';
    c.node(S(1)).raw.proposeConfChange({ type: 'addNode', nodeId: S(4) });
    c.deliver();
    expect(c.node(S(1)).raw.status().config.voters).toEqual([1, 2, 3].map(S));
    c.heal();
    c.tickAll(2);
    expect(c.node(S(1)).raw.status().config.voters).toEqual([1, 2, 3, 4].map(S));
  });
});
