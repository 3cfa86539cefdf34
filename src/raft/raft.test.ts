import { describe, expect, it } from 'vitest';
import { MemoryStorage } from './memory-storage.js';
import { RawNode } from './raw-node.js';
import { bytes, TestCluster } from '../../test/support/raft-cluster.js';
import type { Entry, Message } from './types.js';

const ids = [1n, 2n, 3n];

describe('election', () => {
  it('a campaigning node wins with a quorum and appends an empty entry', () => {
    const c = new TestCluster(ids);
    c.elect(1n);
    expect(c.node(1n).state).toBe('leader');
    expect(c.node(2n).state).toBe('follower');
    expect(c.node(2n).raw.status().lead).toBe(1n);
    const log = c.node(1n).logEntries();
    const last = log[log.length - 1];
    expect(last.term).toBe(c.node(1n).term);
    expect(last.data.length).toBe(0);
    // The empty entry commits on all nodes.
    for (const n of c.nodes.values()) expect(n.raw.status().commit).toBe(last.index);
  });

  it('elects a leader through ticks alone (randomized timeout)', () => {
    const c = new TestCluster(ids);
    c.tickAll(40);
    const leaders = [...c.nodes.values()].filter((n) => n.state === 'leader');
    expect(leaders).toHaveLength(1);
  });

  it('a single-node cluster elects itself and commits after persisting', () => {
    const c = new TestCluster([1n]);
    c.elect(1n);
    expect(c.node(1n).state).toBe('leader');
    c.propose(1n, 'x');
    expect(c.node(1n).appliedData()).toEqual(['x']);
  });

  it('candidate steps down on a message with a higher term', () => {
    const c = new TestCluster(ids);
    c.isolate(1n);
    c.elect(1n);
    expect(c.node(1n).state).toBe('candidate');
    c.heal();
    c.elect(2n);
    c.tickAll(1);
    expect(c.node(2n).state).toBe('leader');
    expect(c.node(1n).state).toBe('follower');
    expect(c.node(1n).term).toBe(c.node(2n).term);
  });
});

describe('replication', () => {
  it('replicates and applies proposals on every node', () => {
    const c = new TestCluster(ids);
    c.elect(1n);
    c.propose(1n, 'a');
    c.propose(2n, 'b'); // forwarded
    for (const n of c.nodes.values()) expect(n.appliedData()).toEqual(['a', 'b']);
  });

  it('proposals without a leader fail fast', () => {
    const c = new TestCluster(ids);
    const err = c.node(1n).raw.propose(bytes('x'));
    expect(err).toEqual({ type: 'proposal-dropped', reason: 'no-leader' });
  });

  it('followers can refuse to forward', () => {
    const c = new TestCluster(ids, {}, (id) => (id === 2n ? { disableProposalForwarding: true } : {}));
    c.elect(1n);
    expect(c.node(2n).raw.propose(bytes('x'))).toEqual({ type: 'proposal-dropped', reason: 'not-leader' });
  });

  it('batches proposals made before a Ready into one MsgApp per follower', () => {
    const c = new TestCluster(ids);
    c.elect(1n);
    c.trace = [];
    const n1 = c.node(1n).raw;
    for (let i = 0; i < 5; i++) n1.propose(bytes(`p${i}`));
    c.deliver();
    const apps = c.trace.filter((m) => m.type === 'MsgApp' && m.from === 1n && m.entries.length > 0);
    expect(apps).toHaveLength(2);
    expect(apps.every((m) => m.entries.length === 5)).toBe(true);
  });

  it('coalesces proposals forwarded by a follower', () => {
    const c = new TestCluster(ids);
    c.elect(1n);
    c.trace = [];
    for (let i = 0; i < 4; i++) c.node(2n).raw.propose(bytes(`p${i}`));
    c.deliver();
    const props = c.trace.filter((m) => m.type === 'MsgProp');
    expect(props).toHaveLength(1);
    expect(props[0].entries).toHaveLength(4);
    expect(c.node(3n).appliedData()).toEqual(['p0', 'p1', 'p2', 'p3']);
  });

  it('pipelines appends up to maxInflightMsgs and then pauses', () => {
    const c = new TestCluster(ids, { maxInflightMsgs: 3, maxSizePerMsg: 0 });
    c.elect(1n);
    c.filter = (m) => !(m.type === 'MsgAppResp' && m.from === 2n);
    c.trace = [];
    for (let i = 0; i < 10; i++) c.node(1n).raw.propose(bytes(`p${i}`));
    c.deliver();
    const toTwo = c.trace.filter((m) => m.type === 'MsgApp' && m.to === 2n && m.entries.length > 0);
    expect(toTwo).toHaveLength(3); // one entry per message (maxSizePerMsg 0), window of 3
    expect(c.node(1n).raw.status().progress?.get(2n)?.paused).toBe(true);
  });

  it('limits in-flight bytes', () => {
    const c = new TestCluster(ids, { maxInflightMsgs: 100, maxInflightBytes: 50, maxSizePerMsg: 0 });
    c.elect(1n);
    c.filter = (m) => !(m.type === 'MsgAppResp' && m.from === 2n);
    c.trace = [];
    for (let i = 0; i < 10; i++) c.node(1n).raw.propose(bytes(`payload-${i}`)); // 26 bytes each with overhead
    c.deliver();
    const toTwo = c.trace.filter((m) => m.type === 'MsgApp' && m.to === 2n && m.entries.length > 0);
    expect(toTwo).toHaveLength(2);
  });

  it('backtracks a conflicting follower a term at a time using its hint', () => {
    const c = new TestCluster(ids);
    const ent = (index: number, term: number): Entry => ({ index, term, type: 'normal', data: bytes(`${index}/${term}`) });
    // Leader-to-be: 30 entries of terms 2, 3, 4. Node 2: 50 entries of terms 5..9.
    const n1: Entry[] = [];
    const n2: Entry[] = [];
    for (let i = 0; i < 30; i++) n1.push(ent(4 + i, 2 + Math.floor(i / 10)));
    for (let i = 0; i < 50; i++) n2.push(ent(4 + i, 5 + Math.floor(i / 10)));
    c.node(1n).storage.append(n1);
    c.node(2n).storage.append(n2);
    for (const id of ids) {
      c.node(id).storage.setHardState({ term: 9, vote: 0n, commit: 3 });
      c.node(id).restart();
    }
    c.deliver();
    c.trace = [];
    c.elect(1n);
    expect(c.node(1n).state).toBe('leader');
    const rejects = c.trace.filter((m) => m.type === 'MsgAppResp' && m.from === 2n && m.reject);
    // One round trip skips every conflicting term (30 entries) at once.
    expect(rejects).toHaveLength(1);
    expect(c.node(2n).logEntries().map((e) => e.term)).toEqual(c.node(1n).logEntries().map((e) => e.term));
    c.propose(1n, 'fresh');
    expect(c.node(2n).appliedData().at(-1)).toBe('fresh');
  });
});

describe('ready and persistence', () => {
  it('marks acknowledgements and votes as after-persist and leader appends as immediate', () => {
    const c = new TestCluster(ids);
    const seen: Array<[string, boolean]> = [];
    const n2 = c.node(2n).raw;
    const n1 = c.node(1n).raw;
    n1.campaign();
    const rd = n1.ready();
    for (const m of rd.messages) seen.push([m.message.type, m.afterPersist]);
    expect(seen.every(([t, a]) => t === 'MsgVote' && a)).toBe(true);
    expect(rd.hardState?.vote).toBe(1n);
    expect(rd.mustSync).toBe(true);
    n2.step(rd.messages[0].message.to === 2n ? rd.messages[0].message : rd.messages[1].message);
    const rd2 = n2.ready();
    expect(rd2.messages.map((m) => [m.message.type, m.afterPersist])).toEqual([['MsgVoteResp', true]]);
    expect(rd2.hardState?.vote).toBe(1n);
  });

  it('ready() twice without advance() throws', () => {
    const st = new MemoryStorage();
    const n = new RawNode({
      id: 1n, electionTick: 10, heartbeatTick: 1, storage: st, random: () => 0,
      preVote: false, checkQuorum: false, maxSizePerMsg: 1024, maxInflightMsgs: 4,
    });
    n.ready();
    expect(() => n.ready()).toThrow();
  });

  it('restarts with the applied index as its commit index when the lazy commit write was lost', () => {
    const st = new MemoryStorage();
    st.setHardState({ term: 1, vote: 1n, commit: 1 });
    st.append([1, 2, 3].map((index) => ({ index, term: 1, type: 'normal' as const, data: bytes(`e${index}`) })));
    const n = new RawNode({
      id: 1n, electionTick: 10, heartbeatTick: 1, storage: st, random: () => 0,
      preVote: false, checkQuorum: false, maxSizePerMsg: 1024, maxInflightMsgs: 4, applied: 3,
    });
    expect(n.basicStatus()).toMatchObject({ commit: 3, applied: 3 });
  });

  it('a leader counts its own log only after persisting it', () => {
    const c = new TestCluster([1n]);
    c.elect(1n);
    const n = c.node(1n).raw;
    n.propose(bytes('x'));
    const rd = n.ready();
    expect(rd.entries).toHaveLength(1);
    expect(rd.committedEntries).toHaveLength(0);
    c.node(1n).storage.append(rd.entries);
    n.advance(rd);
    const rd2 = n.ready();
    expect(rd2.committedEntries.map((e) => e.index)).toEqual([rd.entries[0].index]);
  });
});

describe('read index', () => {
  it('leader answers after a heartbeat round, batching concurrent reads', () => {
    const c = new TestCluster(ids);
    c.elect(1n);
    c.propose(1n, 'a');
    c.trace = [];
    const n1 = c.node(1n).raw;
    n1.readIndex(bytes('r1'));
    // r2 and r3 arrive while r1's round is out: they share the next round.
    n1.readIndex(bytes('r2'));
    n1.readIndex(bytes('r3'));
    c.deliver();
    const rs = c.node(1n).readStates;
    expect(rs.map((r) => new TextDecoder().decode(r.context))).toEqual(['r1', 'r2', 'r3']);
    expect(rs.every((r) => r.index === n1.status().commit)).toBe(true);
    const rounds = c.trace.filter((m) => m.type === 'MsgHeartbeat' && m.to === 2n);
    expect(rounds).toHaveLength(2);
  });

  it('a follower read is forwarded and answered back', () => {
    const c = new TestCluster(ids);
    c.elect(1n);
    c.node(3n).raw.readIndex(bytes('f'));
    c.deliver();
    expect(c.node(3n).readStates).toHaveLength(1);
    expect(c.node(3n).readStates[0].index).toBe(c.node(1n).raw.status().commit);
  });

  it('a leader cut off from the quorum does not answer', () => {
    const c = new TestCluster(ids);
    c.elect(1n);
    c.isolate(1n);
    c.node(1n).raw.readIndex(bytes('stale'));
    c.deliver();
    c.tickAll(5);
    expect(c.node(1n).readStates).toHaveLength(0);
  });

  it('a new leader answers only after committing an entry of its term', () => {
    const c = new TestCluster(ids);
    c.elect(1n);
    // Hold back appends so the new leader's empty entry is not committed yet.
    c.filter = (m) => m.type !== 'MsgAppResp';
    c.elect(2n);
    c.node(2n).raw.readIndex(bytes('r'));
    c.deliver();
    expect(c.node(2n).readStates).toHaveLength(0);
    c.heal();
    c.tickAll(2);
    expect(c.node(2n).readStates).toHaveLength(1);
    const st = c.node(2n).raw.status();
    expect(c.node(2n).readStates[0].index).toBeLessThanOrEqual(st.commit);
    expect(c.node(2n).readStates[0].index).toBeGreaterThan(0);
  });
});

describe('messages', () => {
  it('are plain serializable objects', () => {
    const c = new TestCluster(ids);
    c.elect(1n);
    c.propose(1n, 'x');
    const m: Message | undefined = c.trace.find((x) => x.type === 'MsgApp');
    expect(m).toBeDefined();
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
  });
});
