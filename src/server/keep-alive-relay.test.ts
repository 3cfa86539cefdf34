import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as rpc from '../gen/etcdserverpb.js';
import type { ServerError } from './errors.js';
import { KeepAliveRelay, type KeepAliveStream } from './keep-alive-relay.js';

/** A leader's keep-alive stream: records what it was sent; the test answers for the leader. */
class FakeStream extends EventEmitter implements KeepAliveStream {
  readonly sent: bigint[] = [];
  ended = false;

  constructor(readonly leader: bigint) {
    super();
  }

  write(req: rpc.LeaseKeepAliveRequestInit): boolean {
    this.sent.push(req.ID ?? 0n);
    return true;
  }

  end(): void {
    this.ended = true;
  }

  cancel(): void {
    this.ended = true;
  }

  reply(ID: bigint, TTL: number): void {
    this.emit('data', { ID, TTL } as rpc.LeaseKeepAliveResponse);
  }
}

function setup(timeoutMs = 1000) {
  let leader = 1n;
  const opened: FakeStream[] = [];
  const answers: [bigint, number][] = [];
  const failures: ServerError[] = [];
  const relay = new KeepAliveRelay({
    leader: () => leader,
    open: (l) => {
      const s = new FakeStream(l);
      opened.push(s);
      return s;
    },
    answer: (id, ttl) => answers.push([id, ttl]),
    fail: (err) => failures.push(err),
    timeoutMs,
  });
  return { relay, opened, answers, failures, setLeader: (l: bigint) => (leader = l) };
}

describe('KeepAliveRelay', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('tells a half-closed client stream when its last forwarded keep-alive is answered', () => {
    const t = setup();
    t.relay.forward(5n);
    t.relay.forward(6n);
    let finished = 0;
    t.relay.whenAnswered(() => finished++);
    t.opened[0]!.reply(5n, 30);
    expect(finished).toBe(0);
    t.opened[0]!.reply(6n, 30);
    expect(finished).toBe(1);
    expect(t.answers).toEqual([[5n, 30], [6n, 30]]);
    t.relay.whenAnswered(() => finished++);
    expect(finished).toBe(2); // nothing pending: at once
    t.relay.forward(7n);
    t.relay.whenAnswered(() => finished++);
    t.relay.close();
    t.opened[0]!.reply(7n, 30);
    expect(finished).toBe(2); // closed first: the stream ends another way
  });

  it('forwards every keep-alive of a client stream on one stream to the leader', () => {
    const t = setup();
    for (let i = 0; i < 10; i++) t.relay.forward(5n);
    t.relay.forward(6n);
    expect(t.opened).toHaveLength(1);
    expect(t.opened[0]?.sent).toEqual([...Array<bigint>(10).fill(5n), 6n]);
  });

  it("passes the leader's answers on, TTL 0 for a lease it does not have", () => {
    const t = setup();
    t.relay.forward(5n);
    t.relay.forward(404n);
    t.opened[0]?.reply(5n, 30);
    t.opened[0]?.reply(404n, 0);
    expect(t.answers).toEqual([
      [5n, 30],
      [404n, 0],
    ]);
  });

  it('a new leader gets a stream of its own, and what the old one left unanswered', () => {
    const t = setup();
    t.relay.forward(5n);
    t.opened[0]?.reply(5n, 30);
    t.relay.forward(6n); // never answered by leader 1
    t.setLeader(2n);
    t.relay.forward(7n);
    expect(t.opened.map((s) => s.leader)).toEqual([1n, 2n]);
    expect(t.opened[0]?.ended).toBe(true);
    expect(t.opened[1]?.sent).toEqual([6n, 7n]);
  });

  it('resends the unanswered keep-alives when the stream breaks', () => {
    vi.useFakeTimers();
    const t = setup();
    t.relay.forward(5n);
    t.opened[0]?.emit('error', new Error('connection reset'));
    vi.advanceTimersByTime(100);
    expect(t.opened).toHaveLength(2);
    expect(t.opened[1]?.sent).toEqual([5n]);
    t.opened[1]?.reply(5n, 30);
    expect(t.answers).toEqual([[5n, 30]]);
  });

  it('fails once a keep-alive waited its timeout without a leader', () => {
    vi.useFakeTimers();
    const t = setup(500);
    t.setLeader(0n);
    t.relay.forward(5n);
    expect(t.opened).toHaveLength(0);
    vi.advanceTimersByTime(1000);
    expect(t.failures).toEqual([{ kind: 'no_leader' }]);
    expect(t.answers).toEqual([]);
  });

  it('fails once a keep-alive waited its timeout on a stream that neither answers nor breaks', () => {
    vi.useFakeTimers();
    const t = setup(500);
    t.relay.forward(5n);
    vi.advanceTimersByTime(300);
    t.relay.forward(6n);
    t.opened[0]?.reply(6n, 30);
    expect(t.failures).toEqual([]);
    vi.advanceTimersByTime(300);
    expect(t.failures).toEqual([{ kind: 'timeout' }]);
    expect(t.opened[0]?.ended).toBe(true);
  });
});
