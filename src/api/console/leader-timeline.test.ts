import { describe, expect, it } from 'vitest';
import { LeaderTimeline, type LeaderEvent } from './leader-timeline.js';

describe('LeaderTimeline', () => {
  it('records elections, losses and leaderless new terms, and when the current leader came', () => {
    let now = 1000;
    const t = new LeaderTimeline(() => now);
    const seen: LeaderEvent[] = [];
    t.subscribe((e) => seen.push(e));
    t.observe({ leader: 0n, term: 1 });
    t.observe({ leader: 0xan, term: 2 });
    now = 2000;
    t.observe({ leader: 0n, term: 2 });
    t.observe({ leader: 0n, term: 3 });
    expect(t.leaderSince()).toBeNull();
    now = 3000;
    t.observe({ leader: 0xbn, term: 3 });
    expect(t.backlog().map((e) => [e.kind, e.leaderId, e.term])).toEqual([
      ['election', '0', 1],
      ['elected', 'a', 2],
      ['lost', '0', 2],
      ['election', '0', 3],
      ['elected', 'b', 3],
    ]);
    expect(seen).toEqual(t.backlog());
    expect(t.leaderSince()).toBe(3000);
  });

  it('keeps the last 100 events', () => {
    const t = new LeaderTimeline();
    for (let term = 1; term <= 150; term++) t.observe({ leader: BigInt(term), term });
    const b = t.backlog();
    expect(b).toHaveLength(100);
    expect(b[0]?.term).toBe(51);
    expect(b[99]?.term).toBe(150);
  });
});
