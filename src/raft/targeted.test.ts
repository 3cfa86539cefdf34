// Targeted scenarios: snapshots, leadership transfer, pre-vote, check-quorum,
// learners and removal of the leader.
import { describe, expect, it } from 'vitest';
import { bytes, TestCluster } from '../../test/support/raft-cluster.js';
import type { NodeId } from './types.js';

const S = (n: number): NodeId => BigInt(n);
const ids = [1, 2, 3].map(S);

function proposeMany(c: TestCluster, id: NodeId, n: number, prefix: string): void {
  for (let i = 0; i < n; i++) c.propose(id, `${prefix}${i}`);
}

describe('snapshots and compaction', () => {
  it('a slow follower that fell behind a compaction catches up by snapshot', () => {
    const c = new TestCluster(ids);
    c.elect(S(1));
    c.isolate(S(3));
    proposeMany(c, S(1), 20, 'a');
    for (const id of [S(1), S(2)]) c.node(id).compact();
    const snapIndex = c.node(S(1)).appliedIndex;
    expect(c.node(S(1)).storage.firstIndex()).toBe(snapIndex + 1);
    c.heal();
    c.trace = [];
    c.tickAll(3);
    const snaps = c.trace.filter((m) => m.type === 'MsgSnap' && m.to === S(3));
    expect(snaps).toHaveLength(1);
    expect(snaps[0].snapshot?.metadata.index).toBe(snapIndex);
    const lagger = c.node(S(3));
    expect(lagger.appliedIndex).toBeGreaterThanOrEqual(snapIndex);
    expect(lagger.storage.firstIndex()).toBe(snapIndex + 1);
    expect(lagger.confState.voters).toEqual(ids);
    // ...and then follows by ordinary appends.
    c.propose(S(1), 'after');
    expect(lagger.appliedData()).toEqual(['after']);
    expect(c.node(S(1)).raw.status().progress?.get(S(3))?.state).toBe('replicate');
  });

  it('a failed snapshot is reported and retried', () => {
    const c = new TestCluster(ids);
    c.elect(S(1));
    c.isolate(S(3));
    proposeMany(c, S(1), 5, 'a');
    c.node(S(1)).compact();
    c.heal();
    c.filter = (m) => m.type !== 'MsgSnap';
    c.tickAll(2);
    const leader = c.node(S(1)).raw;
    expect(leader.status().progress?.get(S(3))?.state).toBe('snapshot');
    leader.reportSnapshot(S(3), false);
    expect(leader.status().progress?.get(S(3))?.state).toBe('probe');
    c.heal();
    c.tickAll(3);
    expect(c.node(S(3)).appliedIndex).toBe(c.node(S(1)).appliedIndex);
  });

  it('compaction never removes what the log still needs to answer term queries', () => {
    const c = new TestCluster(ids);
    c.elect(S(1));
    proposeMany(c, S(1), 5, 'a');
    c.node(S(1)).compact();
    const st = c.node(S(1)).storage;
    const t = st.term(st.firstIndex() - 1);
    expect(typeof t).toBe('number');
    expect(st.term(st.firstIndex() - 2)).toEqual({ error: 'compacted' });
  });
});

describe('leadership transfer', () => {
  it('catches a lagging target up, then hands over with TimeoutNow', () => {
    const c = new TestCluster(ids);
    c.elect(S(1));
    c.isolate(S(3));
    proposeMany(c, S(1), 10, 'a');
    c.heal();
    c.trace = [];
    c.node(S(1)).raw.transferLeader(S(3));
    // While the transfer is in progress, proposals are refused.
    expect(c.node(S(1)).raw.propose(bytes('x'))).toEqual({ type: 'proposal-dropped', reason: 'leader-transferring' });
    c.deliver();
    const timeoutNow = c.trace.findIndex((m) => m.type === 'MsgTimeoutNow' && m.to === S(3));
    const lastApp = c.trace.map((m) => m.type === 'MsgApp' && m.to === S(3)).lastIndexOf(true);
    expect(timeoutNow).toBeGreaterThan(-1);
    expect(lastApp).toBeLessThan(timeoutNow); // caught up first
    expect(c.node(S(3)).state).toBe('leader');
    expect(c.node(S(1)).state).toBe('follower');
    c.propose(S(3), 'b');
    expect(c.node(S(1)).appliedData().at(-1)).toBe('b');
  });

  it('the transfer is aborted after an election timeout if the target does not take over', () => {
    const c = new TestCluster(ids);
    c.elect(S(1));
    c.isolate(S(3));
    c.node(S(1)).raw.transferLeader(S(3));
    c.deliver();
    expect(c.node(S(1)).raw.status().leadTransferee).toBe(S(3));
    c.tick(S(1), 10);
    expect(c.node(S(1)).raw.status().leadTransferee).toBe(0n);
    expect(c.node(S(1)).state).toBe('leader');
    expect(c.propose(S(1), 'ok')).toBeUndefined();
  });

  it('a follower forwards a transfer request to the leader', () => {
    const c = new TestCluster(ids);
    c.elect(S(1));
    c.node(S(2)).raw.transferLeader(S(2));
    c.deliver();
    expect(c.node(S(2)).state).toBe('leader');
  });
});

describe('pre-vote', () => {
  function partitionAndReturn(preVote: boolean): TestCluster {
    const c = new TestCluster(ids, { preVote });
    c.elect(S(1));
    c.isolate(S(3));
    proposeMany(c, S(1), 3, 'a');
    c.tick(S(3), 100); // many election timeouts alone
    c.heal();
    c.tickAll(25);
    return c;
  }

  it('keeps a partitioned node from disrupting the cluster when it returns', () => {
    const c = partitionAndReturn(true);
    expect(c.node(S(3)).term).toBe(c.node(S(1)).term); // never bumped its term
    expect(c.node(S(1)).state).toBe('leader');
    expect(c.node(S(1)).term).toBe(2);
    expect(c.trace.some((m) => m.type === 'MsgVote' && m.from === S(3))).toBe(false);
  });

  it('(without pre-vote the same node forces an election)', () => {
    const c = partitionAndReturn(false);
    expect(c.node(S(1)).term).toBeGreaterThan(2);
  });

  it('with check-quorum, a live leader keeps even an up-to-date node from winning a pre-vote', () => {
    const c = new TestCluster(ids, { preVote: true, checkQuorum: true });
    c.elect(S(1));
    c.isolate(S(3)); // nothing new is committed: node 3's log stays as good as theirs
    c.tick(S(3), 30);
    c.heal();
    c.tickAll(1);
    expect(c.node(S(1)).state).toBe('leader');
    expect(c.node(S(1)).term).toBe(2);
  });
});

describe('check-quorum', () => {
  it('a leader that cannot reach a quorum steps down', () => {
    const c = new TestCluster(ids, { checkQuorum: true });
    c.elect(S(1));
    c.isolate(S(1));
    c.tick(S(1), 10);
    // The first check still sees the activity from before the partition.
    expect(c.node(S(1)).state).toBe('leader');
    c.tick(S(1), 10);
    expect(c.node(S(1)).state).toBe('follower');
  });

  it('(without it the isolated leader stays leader)', () => {
    const c = new TestCluster(ids, { checkQuorum: false });
    c.elect(S(1));
    c.isolate(S(1));
    c.tick(S(1), 50);
    expect(c.node(S(1)).state).toBe('leader');
  });

  it('a follower with a live leader ignores vote requests (leader lease)', () => {
    const c = new TestCluster(ids, { checkQuorum: true });
    c.elect(S(1));
    c.isolate(S(3));
    c.elect(S(3)); // term 3, alone
    c.heal();
    const vote = c.trace.filter((m) => m.type === 'MsgVote' && m.from === S(3) && m.to === S(2)).at(-1);
    expect(vote).toBeDefined();
    c.trace = [];
    if (vote) c.node(S(2)).raw.step(vote);
    expect(c.node(S(2)).drain()).toEqual([]);
    expect(c.node(S(2)).term).toBe(2);
    expect(c.node(S(2)).raw.status().lead).toBe(S(1));
  });
});

describe('learners', () => {
  it('a learner receives the log, does not vote or count for quorum, and can be promoted', () => {
    const c = new TestCluster(ids);
    c.elect(S(1));
    proposeMany(c, S(1), 3, 'a');
    c.addEmptyNode(S(4));
    expect(c.node(S(1)).raw.proposeConfChange({ type: 'addLearner', nodeId: S(4) })).toBeUndefined();
    c.deliver();
    c.tickAll(2);
    const learner = c.node(S(4));
    expect(learner.appliedData()).toEqual(['a0', 'a1', 'a2']);
    expect(learner.confState).toEqual({ voters: ids, learners: [S(4)] });
    // It never campaigns...
    learner.raw.tick();
    c.tick(S(4), 50);
    expect(learner.state).toBe('follower');
    // ...is never asked for a vote...
    c.trace = [];
    c.elect(S(2));
    expect(c.trace.some((m) => m.type === 'MsgVote' && m.to === S(4))).toBe(false);
    // ...and does not count: with two voters gone, nothing commits.
    c.isolate(S(1));
    c.isolate(S(3));
    const before = c.node(S(2)).raw.status().commit;
    c.propose(S(2), 'b');
    expect(c.node(S(2)).raw.status().commit).toBe(before);
    // Promotion makes it a voter: now 2 and 4 are a majority of {1, 2, 3, 4}? No (2 of 4).
    c.heal();
    c.tickAll(2);
    expect(c.node(S(2)).raw.proposeConfChange({ type: 'addNode', nodeId: S(4) })).toBeUndefined();
    c.deliver();
    c.tickAll(2);
    expect(c.node(S(2)).raw.status().config).toEqual({ voters: [1, 2, 3, 4].map(S), learners: [] });
    c.isolate(S(1));
    c.propose(S(2), 'c'); // 2, 3, 4 are a majority of 4 voters
    expect(c.node(S(4)).appliedData().at(-1)).toBe('c');
    c.isolate(S(3));
    c.tick(S(4), 30);
    expect(c.node(S(4)).state).not.toBe('follower'); // a voter now: it campaigns
  });
});

describe('removal', () => {
  it('a removed leader steps down and the rest carry on', () => {
    const c = new TestCluster(ids);
    c.elect(S(1));
    c.propose(S(1), 'a');
    expect(c.node(S(1)).raw.proposeConfChange({ type: 'removeNode', nodeId: S(1) })).toBeUndefined();
    c.deliver();
    expect(c.node(S(1)).state).toBe('follower');
    expect(c.node(S(1)).raw.status().config.voters).toEqual([S(2), S(3)]);
    // It handed over with TimeoutNow, so a new leader is there without waiting.
    const leader = c.leader();
    expect(leader && leader.id !== S(1)).toBe(true);
    // The removed node never campaigns again.
    c.tick(S(1), 50);
    expect(c.node(S(1)).state).toBe('follower');
    if (leader) c.propose(leader.id, 'b');
    for (const id of [S(2), S(3)]) expect(c.node(id).appliedData()).toEqual(['a', 'b']);
  });

  it('removing a follower shrinks the quorum', () => {
    const c = new TestCluster(ids);
    c.elect(S(1));
    c.node(S(1)).raw.proposeConfChange({ type: 'removeNode', nodeId: S(3) });
    c.deliver();
    c.tickAll(1);
    expect(c.node(S(1)).raw.status().config.voters).toEqual([S(1), S(2)]);
    c.isolate(S(3));
    c.propose(S(1), 'x');
    expect(c.node(S(1)).appliedData()).toEqual(['x']);
  });
});
