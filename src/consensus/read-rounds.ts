import type { ReadState } from '../raft/index.js';
import type { ProposeError, ReadIndexResult } from '../server/consensus.js';

type Reader = (r: ReadIndexResult) => void;

interface Round {
  ctx: Uint8Array;
  readers: Reader[];
  timer: NodeJS.Timeout;
}

/** How a round is started in the Raft core: undefined when accepted, else why not. */
export type StartRound = (ctx: Uint8Array) => ProposeError | undefined;

// Linearizable reads share ReadIndex rounds: one round is in flight at a time, and every reader
// that arrives meanwhile waits for the next one, so a burst of reads costs one quorum round trip.
export class ReadRounds {
  private queue: Reader[] = [];
  private round: Round | undefined;
  private seq = 0;

  constructor(
    private readonly start: StartRound,
    private readonly timeoutMs: number,
  ) {}

  add(reader: Reader): void {
    this.queue.push(reader);
  }

  /** Starts a round for the queued readers if none is in flight. */
  pump(): void {
    if (this.round !== undefined || this.queue.length === 0) return;
    const readers = this.queue;
    this.queue = [];
    const ctx = new Uint8Array(8);
    new DataView(ctx.buffer).setBigUint64(0, BigInt(++this.seq));
    const err = this.start(ctx);
    if (err !== undefined) {
      for (const r of readers) r({ ok: false, error: err });
      return;
    }
    const timer = setTimeout(() => {
      if (this.round?.ctx !== ctx) return;
      this.round = undefined;
      for (const r of readers) r({ ok: false, error: { kind: 'timeout' } });
      this.pump();
    }, this.timeoutMs);
    this.round = { ctx, readers, timer };
  }

  /** A ReadState from the core: answers the round it belongs to, then starts the next. */
  answer(rs: ReadState): void {
    const round = this.round;
    if (round === undefined || !sameBytes(round.ctx, rs.context)) return;
    clearTimeout(round.timer);
    this.round = undefined;
    for (const r of round.readers) r({ ok: true, index: rs.index });
    this.pump();
  }

  /** The core refused the round started with `ctx`: its readers get the error, the next round starts. */
  reject(ctx: Uint8Array, error: ProposeError): void {
    const round = this.round;
    if (round === undefined || !sameBytes(round.ctx, ctx)) return;
    clearTimeout(round.timer);
    this.round = undefined;
    for (const r of round.readers) r({ ok: false, error });
  }

  /** Fails the round in flight (its leader is gone); with `andQueued`, also every waiting reader. */
  fail(error: ProposeError, andQueued: boolean): void {
    const round = this.round;
    this.round = undefined;
    if (round !== undefined) {
      clearTimeout(round.timer);
      for (const r of round.readers) r({ ok: false, error });
    }
    if (andQueued) {
      const q = this.queue;
      this.queue = [];
      for (const r of q) r({ ok: false, error });
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
