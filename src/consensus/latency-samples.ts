// What the Raft thread measures for /metrics: each fsync'd log write, and the round trip of each
// peer's heartbeat (from the MsgHeartbeat this member sends to the peer's MsgHeartbeatResp; only
// a leader sends heartbeats, so only the leader has round trips, one per follower). They go to
// the main thread once a second, at most MAX_PER_FLUSH of each kind; the rest are dropped.
import type { Message } from '../raft/index.js';

export interface LatencyBatch {
  walFsync: number[];
  peerRtt: [bigint, number[]][];
}

const FLUSH_MS = 1000;
const MAX_PER_FLUSH = 10_000;

export class LatencySamples {
  private walFsync: number[] = [];
  private peerRtt = new Map<bigint, number[]>();
  private readonly heartbeatSentAt = new Map<bigint, number>();
  private readonly timer: NodeJS.Timeout;

  /** `staleMs`: a heartbeat unanswered this long is forgotten (the peer was down). */
  constructor(
    private readonly send: (batch: LatencyBatch) => void,
    private readonly staleMs: number,
  ) {
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  fsync(seconds: number): void {
    if (this.walFsync.length < MAX_PER_FLUSH) this.walFsync.push(seconds);
  }

  sent(msgs: readonly Message[], now: number): void {
    for (const m of msgs) {
      if (m.type !== 'MsgHeartbeat') continue;
      const at = this.heartbeatSentAt.get(m.to);
      if (at === undefined || now - at > this.staleMs) this.heartbeatSentAt.set(m.to, now);
    }
  }

  received(msgs: readonly Message[], now: number): void {
    for (const m of msgs) {
      if (m.type !== 'MsgHeartbeatResp') continue;
      const at = this.heartbeatSentAt.get(m.from);
      if (at === undefined) continue;
      this.heartbeatSentAt.delete(m.from);
      let list = this.peerRtt.get(m.from);
      if (list === undefined) this.peerRtt.set(m.from, (list = []));
      if (list.length < MAX_PER_FLUSH) list.push((now - at) / 1000);
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private flush(): void {
    if (this.walFsync.length === 0 && this.peerRtt.size === 0) return;
    const batch: LatencyBatch = { walFsync: this.walFsync, peerRtt: [...this.peerRtt] };
    this.walFsync = [];
    this.peerRtt = new Map();
    this.send(batch);
  }
}
