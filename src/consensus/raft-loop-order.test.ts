// The order in which one Ready's work leaves the Raft thread: what may go before the log write,
// and what must wait for it (docs/RAFT.md, "Persistence contract").
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { newMessage } from '../raft/message.js';
import type { ConfState, Entry, HardState, Message, MessageType } from '../raft/index.js';
import { DurableLog } from '../storage/durable-log.js';
import { RaftStorage } from '../storage/raft-storage.js';
import { RaftLoop } from './raft-loop.js';

class RecordingStorage extends RaftStorage {
  constructor(
    log: DurableLog,
    confState: ConfState,
    private readonly events: string[],
  ) {
    super(log, { confState: () => confState, snapshot: () => ({ error: 'snapshot-temporarily-unavailable' }) });
  }

  override save(hardState: HardState | undefined, entries: readonly Entry[], sync: boolean): void {
    const parts = [entries.length > 0 ? `entries ${entries[0]!.index}-${entries[entries.length - 1]!.index}` : '', hardState === undefined ? '' : `hs term ${hardState.term} commit ${hardState.commit}`];
    this.events.push(`save ${parts.filter((p) => p !== '').join(', ')}${sync ? ' (fsync)' : ''}`);
    super.save(hardState, entries, sync);
  }
}

const turns = async (n = 10): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('RaftLoop: the order of sends, writes and hand-outs within a Ready', () => {
  const dirs: string[] = [];
  const logs: DurableLog[] = [];
  const loops: RaftLoop[] = [];
  afterEach(() => {
    for (const l of loops.splice(0)) l.stop();
    for (const l of logs.splice(0)) l.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function member(confState: ConfState): { loop: RaftLoop; events: string[] } {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'raftkv-order-'));
    dirs.push(dir);
    const log = new DurableLog(path.join(dir, 'raft.db'));
    logs.push(log);
    const events: string[] = [];
    const loop = new RaftLoop({
      id: 1n,
      storage: new RecordingStorage(log, confState, events),
      network: {
        send: (msgs: Message[]) => events.push(`send ${[...new Set(msgs.map((m) => m.type))].join(',')}`),
        sendSnapshot: () => events.push('send MsgSnap'),
        addPeer: () => undefined,
        removePeer: () => undefined,
      },
      link: {
        ready: (out) => {
          if (out.entries !== undefined) events.push(`hand out ${out.entries[0]!.index}-${out.entries[out.entries.length - 1]!.index}`);
        },
        install: () => Promise.resolve(),
        removed: () => undefined,
      },
      logger: pino({ level: 'silent' }),
      heartbeatMs: 100,
      electionMs: 1000,
      catchUpEntries: 10,
      applied: 0,
      onFatal: (err) => events.push(`fatal ${String(err)}`),
    });
    loops.push(loop);
    return { loop, events };
  }

  const msg = (type: MessageType, fields: Partial<Message> = {}): Message => newMessage({ type, from: 2n, to: 1n, ...fields });

  it("a leader's MsgApp leaves before its own log write; an answer that needs the write waits for it", async () => {
    const { loop, events } = member({ voters: [1n, 2n, 3n], learners: [] });
    // Elected by member 2's vote (a transfer skips the pre-vote round).
    loop.step([msg('MsgTimeoutNow', { term: 0 })]);
    await turns();
    // A candidate's vote requests speak for its new term: they wait for the fsync'd write.
    expect(events).toEqual(['save hs term 1 commit 0 (fsync)', 'send MsgVote']);
    events.length = 0;
    loop.step([msg('MsgVoteResp', { term: 1 })]);
    await turns();
    // The leader's first entry goes to the followers first, then to its own disk.
    expect(events.slice(0, 2)).toEqual(['send MsgApp', 'save entries 1-1 (fsync)']);
    events.length = 0;

    // Member 2 holds the entry: with the leader's own write that is a quorum. Entries written by
    // earlier Readies go to the state machine before the (lazy) commit index write.
    loop.step([msg('MsgAppResp', { term: 1, index: 1 })]);
    await turns();
    expect(events.filter((e) => !e.startsWith('send'))).toEqual(['hand out 1-1', 'save hs term 1 commit 1']);
    events.length = 0;

    loop.propose([{ kind: 'entry', data: new Uint8Array([1, 2, 3]) }]);
    await turns();
    expect(events).toEqual(['send MsgApp', 'save entries 2-2 (fsync)']);
    expect(events.filter((e) => e.startsWith('fatal'))).toEqual([]);
  });

  it('a Ready that changes the term sends nothing before the term is durable', async () => {
    // A lone voter elects itself in one step; its learner must not see the new term before
    // the leader can remember it.
    const { loop, events } = member({ voters: [1n], learners: [2n] });
    loop.step([msg('MsgTimeoutNow', { term: 0 })]);
    await turns();
    const save = events.findIndex((e) => e.startsWith('save') && e.includes('hs term 1'));
    const send = events.findIndex((e) => e.startsWith('send'));
    expect(save).toBeGreaterThanOrEqual(0);
    expect(send).toBeGreaterThan(save);
  });

  it("a follower acknowledges appended entries only after writing them", async () => {
    const { loop, events } = member({ voters: [1n, 2n, 3n], learners: [] });
    loop.step([msg('MsgApp', { term: 1, index: 0, logTerm: 0, commit: 0, entries: [{ index: 1, term: 1, type: 'normal', data: new Uint8Array() }] })]);
    await turns();
    expect(events).toEqual(['save entries 1-1, hs term 1 commit 0 (fsync)', 'send MsgAppResp']);
  });
});
