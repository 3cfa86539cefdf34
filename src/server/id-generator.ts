// Unique 64-bit IDs for requests and leases, laid out like etcd's: the member's low 16 bits,
// then a millisecond timestamp, then a counter, so IDs from different members never collide.
export class IdGenerator {
  private prefix: bigint;
  private counter: bigint;

  constructor(memberId: bigint, nowMs: number = Date.now()) {
    this.prefix = (memberId & 0xffffn) << 48n;
    this.counter = (BigInt(nowMs) & 0xff_ffff_ffffn) << 8n;
  }

  /** The next ID, always a positive int64 (lease IDs must be). */
  next(): bigint {
    this.counter = (this.counter + 1n) & 0xffff_ffff_ffffn;
    return BigInt.asIntN(64, this.prefix | this.counter) & 0x7fff_ffff_ffff_ffffn;
  }
}
