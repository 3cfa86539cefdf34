// The leader timeline: what this member's own Raft reported about leaders and terms, kept as the
// last MAX_EVENTS events (a bounded ring), with listeners for the event streams.
import type { LeaderEvent } from './api-types.js';
export type { LeaderEvent } from './api-types.js';

const MAX_EVENTS = 100;

export class LeaderTimeline {
  private readonly events: LeaderEvent[] = [];
  private readonly listeners = new Set<(e: LeaderEvent) => void>();
  private leader = 0n;
  private term = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes the Raft status after a change of leader or term. */
  observe(s: { leader: bigint; term: number }): void {
    const was = { leader: this.leader, term: this.term };
    this.leader = s.leader;
    this.term = s.term;
    if (s.leader !== 0n) {
      if (s.leader !== was.leader || s.term !== was.term) this.add('elected', s);
      return;
    }
    if (was.leader !== 0n) this.add('lost', s);
    else if (s.term > was.term) this.add('election', s);
  }

  /** The kept events, oldest first. */
  backlog(): LeaderEvent[] {
    return [...this.events];
  }

  /** When the current leader's election was seen; null when there is no leader or it was not seen. */
  leaderSince(): number | null {
    if (this.leader === 0n) return null;
    const last = this.events[this.events.length - 1];
    return last?.kind === 'elected' && last.leaderId === this.leader.toString(16) ? last.at : null;
  }

  /** Calls `l` with each new event until the returned function is called. */
  subscribe(l: (e: LeaderEvent) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private add(kind: LeaderEvent['kind'], s: { leader: bigint; term: number }): void {
    const e: LeaderEvent = { at: this.now(), term: s.term, leaderId: s.leader.toString(16), kind };
    this.events.push(e);
    if (this.events.length > MAX_EVENTS) this.events.shift();
    for (const l of this.listeners) l(e);
  }
}
