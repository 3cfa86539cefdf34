import { committedIndex } from './quorum.js';
import type { NodeId } from './types.js';

/** A read request waiting for its leadership-confirmation round. */
export interface PendingRead {
  context: Uint8Array;
  /** Who asked: the leader itself or a follower that forwarded it. */
  from: NodeId;
  /** The leader's commit index when the request arrived. */
  index: number;
  /** The heartbeat round that confirms it; 0 until one is started. */
  round: number;
}

/**
 * ReadIndex bookkeeping on the leader. Reads are batched into numbered
 * heartbeat rounds; a round started after a read arrived confirms that the
 * leader was still leader when the read was requested once a quorum of voters
 * has acknowledged that round (or any later one).
 */
export class ReadIndexTracker {
  private round = 0;
  private confirmed = 0;
  private readonly acks = new Map<NodeId, number>();
  private reads: PendingRead[] = [];

  add(context: Uint8Array, from: NodeId, index: number): void {
    this.reads.push({ context, from, index, round: 0 });
  }

  /** The round heartbeats should carry (0 = none). */
  currentRound(): number {
    return this.round;
  }

  hasUnassigned(): boolean {
    return this.reads.some((r) => r.round === 0);
  }

  /** A round was started and has not been confirmed yet. */
  outstanding(): boolean {
    return this.round > this.confirmed;
  }

  /** Starts a round covering every read not yet in one. */
  startRound(): number {
    this.round++;
    for (const r of this.reads) if (r.round === 0) r.round = this.round;
    return this.round;
  }

  /**
   * Records that `from` acknowledged `round`; returns the reads that became
   * safe to answer, oldest first.
   */
  ack(from: NodeId, round: number, voters: ReadonlySet<NodeId>, self: NodeId): PendingRead[] {
    if (round > (this.acks.get(from) ?? 0)) this.acks.set(from, Math.min(round, this.round));
    return this.release(voters, self);
  }

  /** Re-evaluates with the current voters (e.g. after a configuration change). */
  release(voters: ReadonlySet<NodeId>, self: NodeId): PendingRead[] {
    const c = committedIndex(voters, (id) => (id === self ? this.round : (this.acks.get(id) ?? 0)));
    if (!Number.isFinite(c) || c <= this.confirmed) return [];
    this.confirmed = c;
    const done = this.reads.filter((r) => r.round !== 0 && r.round <= c);
    this.reads = this.reads.filter((r) => r.round === 0 || r.round > c);
    return done;
  }

  pendingCount(): number {
    return this.reads.length;
  }

  reset(): void {
    this.round = 0;
    this.confirmed = 0;
    this.acks.clear();
    this.reads = [];
  }
}

export function encodeRound(round: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(round));
  return b;
}

export function decodeRound(ctx: Uint8Array | undefined): number {
  if (ctx === undefined || ctx.length !== 8) return 0;
  return Number(new DataView(ctx.buffer, ctx.byteOffset, 8).getBigUint64(0));
}
