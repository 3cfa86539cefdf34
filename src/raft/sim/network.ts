import type { Message, NodeId } from '../types.js';
import type { Rng } from './rng.js';

interface InFlight {
  m: Message;
  deliverAt: number;
}

export interface NetworkFaults {
  dropRate: number;
  dupRate: number;
  /** Delivery takes 1..maxDelay rounds; reordering follows from the spread. */
  maxDelay: number;
}

export type SendOutcome = 'queued' | 'dropped' | 'blocked';

/**
 * A lossy network between simulated nodes. Messages are delayed, dropped,
 * duplicated and reordered; `blocked` links model partitions, including
 * one-way ones. Blocking is checked both when sending and when delivering.
 */
export class Network {
  private inflight: InFlight[] = [];
  private readonly blocked = new Set<string>();
  faults: NetworkFaults;

  constructor(
    private readonly rng: Rng,
    faults: NetworkFaults,
  ) {
    this.faults = faults;
  }

  isBlocked(from: NodeId, to: NodeId): boolean {
    return this.blocked.has(`${from}>${to}`);
  }

  block(from: NodeId, to: NodeId): void {
    this.blocked.add(`${from}>${to}`);
  }

  heal(): void {
    this.blocked.clear();
  }

  send(m: Message, now: number): SendOutcome {
    if (this.isBlocked(m.from, m.to)) return 'blocked';
    if (this.rng.chance(this.faults.dropRate)) return 'dropped';
    this.inflight.push({ m, deliverAt: now + this.rng.range(1, this.faults.maxDelay) });
    if (this.rng.chance(this.faults.dupRate)) {
      this.inflight.push({ m, deliverAt: now + this.rng.range(1, this.faults.maxDelay + 2) });
    }
    return 'queued';
  }

  /** Removes and returns the messages due by `now`, shuffled. */
  due(now: number): Message[] {
    const out: Message[] = [];
    const keep: InFlight[] = [];
    for (const f of this.inflight) {
      if (f.deliverAt <= now) out.push(f.m);
      else keep.push(f);
    }
    this.inflight = keep;
    return this.rng.shuffle(out);
  }

  pending(): number {
    return this.inflight.length;
  }
}
