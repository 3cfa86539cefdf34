// Seeded random requests for the differential test: the same sequence goes to real etcd 3.4 and to
// raftkv. Small key and value spaces, so ranges overlap, compares hit, and keys come and go.
import type * as rpc from '../../src/gen/etcdserverpb.js';
import { mulberry32 } from '../../src/util/mulberry32.js';

const KEYS = ['a', 'b', 'c', 'd', 'foo', 'foo/1', 'foo/2', 'foo0', 'z'];
const VALUES = ['', 'v', 'w', 'xyz', 'a-longer-value'];

export type DiffOp =
  | { kind: 'put'; req: rpc.PutRequestInit }
  | { kind: 'range'; req: rpc.RangeRequestInit }
  | { kind: 'delete'; req: rpc.DeleteRangeRequestInit }
  | { kind: 'txn'; req: rpc.TxnRequestInit }
  | { kind: 'compact'; req: rpc.CompactionRequestInit }
  | { kind: 'leaseGrant'; req: rpc.LeaseGrantRequestInit }
  | { kind: 'leaseRevoke'; req: rpc.LeaseRevokeRequestInit }
  | { kind: 'leases' };

/** What the generator knows of the store so far, to aim revisions and leases where it counts. */
export interface DiffState {
  revision: number;
  compacted: number;
  leases: bigint[];
}

export class Generator {
  private readonly next: () => number;
  private leaseSeq = 0;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  private int(n: number): number {
    return Math.floor(this.next() * n);
  }

  private chance(p: number): boolean {
    return this.next() < p;
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }

  private key(): Buffer {
    return Buffer.from(this.pick(KEYS));
  }

  /** A range end for `key`: none, a prefix end, "\0" (everything from key), another key. */
  private rangeEnd(key: Buffer): Buffer | undefined {
    const r = this.int(5);
    if (r === 0 || r === 1) return undefined;
    if (r === 2) {
      const end = Buffer.from(key);
      end[end.length - 1] = (end[end.length - 1] ?? 0) + 1;
      return end;
    }
    if (r === 3) return Buffer.from([0]);
    return this.key();
  }

  private revision(s: DiffState): number {
    const r = this.int(6);
    if (r <= 2) return 0;
    if (r === 3) return s.revision + 1 + this.int(3); // future
    if (r === 4 && s.compacted > 0) return Math.max(1, s.compacted - this.int(2)); // at or below compaction
    return 1 + this.int(Math.max(1, s.revision));
  }

  private lease(s: DiffState): bigint {
    if (s.leases.length === 0 || this.chance(0.7)) return 0n;
    return this.chance(0.9) ? this.pick(s.leases) : 999_999n;
  }

  /**
   * `inTxn`: no ignore_value/ignore_lease, since etcd 3.4 crashes on one whose key an earlier op
   * of the same txn deleted (raftkv answers "key not found" there).
   */
  put(s: DiffState, inTxn = false): rpc.PutRequestInit {
    const ignoreValue = !inTxn && this.chance(0.05);
    return {
      key: this.key(),
      value: Buffer.from(ignoreValue && this.chance(0.8) ? '' : this.pick(VALUES)),
      lease: this.lease(s),
      prev_kv: this.chance(0.3),
      ignore_value: ignoreValue,
      ignore_lease: !inTxn && this.chance(0.05),
    };
  }

  range(s: DiffState, inTxn = false): rpc.RangeRequestInit {
    const key = this.key();
    return {
      key,
      range_end: this.rangeEnd(key),
      limit: this.chance(0.3) ? this.int(4) : 0,
      revision: inTxn ? 0 : this.revision(s),
      sort_order: this.int(3),
      sort_target: this.int(5),
      keys_only: this.chance(0.15),
      count_only: this.chance(0.1),
      min_mod_revision: this.chance(0.1) ? this.int(s.revision + 1) : 0,
      max_mod_revision: this.chance(0.1) ? this.int(s.revision + 1) : 0,
      min_create_revision: this.chance(0.1) ? this.int(s.revision + 1) : 0,
      max_create_revision: this.chance(0.1) ? this.int(s.revision + 1) : 0,
    };
  }

  deleteRange(): rpc.DeleteRangeRequestInit {
    const key = this.key();
    return { key, range_end: this.rangeEnd(key), prev_kv: this.chance(0.4) };
  }

  private compare(s: DiffState): rpc.CompareInit {
    const key = this.key();
    const target = this.int(5);
    const c: rpc.CompareInit = { key, result: this.int(4), target, range_end: this.chance(0.15) ? this.rangeEnd(key) : undefined };
    if (target === 0) c.version = this.int(4);
    if (target === 1) c.create_revision = this.int(s.revision + 1);
    if (target === 2) c.mod_revision = this.int(s.revision + 1);
    if (target === 3) c.value = Buffer.from(this.pick(VALUES));
    if (target === 4) c.lease = this.lease(s);
    return c;
  }

  private requestOp(s: DiffState, depth: number): rpc.RequestOpInit {
    const r = this.int(depth < 1 ? 4 : 3);
    if (r === 0) return { request_range: this.range(s, true) };
    if (r === 1) return { request_put: this.put(s, true) };
    if (r === 2) return { request_delete_range: this.deleteRange() };
    return { request_txn: this.txn(s, depth + 1) };
  }

  txn(s: DiffState, depth = 0): rpc.TxnRequestInit {
    const ops = (): rpc.RequestOpInit[] => Array.from({ length: this.int(4) }, () => this.requestOp(s, depth));
    return { compare: Array.from({ length: this.int(3) }, () => this.compare(s)), success: ops(), failure: ops() };
  }

  op(s: DiffState): DiffOp {
    const r = this.int(100);
    if (r < 25) return { kind: 'put', req: this.put(s) };
    if (r < 50) return { kind: 'range', req: this.range(s) };
    if (r < 60) return { kind: 'delete', req: this.deleteRange() };
    if (r < 85) return { kind: 'txn', req: this.txn(s) };
    if (r < 89) {
      const rev = this.chance(0.2) ? s.revision + 1 + this.int(3) : s.compacted + this.int(Math.max(1, s.revision - s.compacted + 1));
      return { kind: 'compact', req: { revision: rev } };
    }
    if (r < 95) return { kind: 'leaseGrant', req: { ID: this.chance(0.9) ? BigInt(1000 + this.leaseSeq++) : (s.leases[0] ?? 1000n), TTL: 600 } };
    if (r < 98) return { kind: 'leaseRevoke', req: { ID: this.chance(0.8) && s.leases.length > 0 ? this.pick(s.leases) : 424_242n } };
    return { kind: 'leases' };
  }
}

export interface WatchSpec {
  key: Buffer;
  end: Buffer | undefined;
  startRevision: number;
  prevKv: boolean;
  filters: number[];
}

/** Watches from past revisions (at or below the compaction point too), with filters and prev_kv. */
export function watchSpecs(seed: number, n: number, s: DiffState): WatchSpec[] {
  const next = mulberry32(seed);
  const int = (k: number): number => Math.floor(next() * k);
  return Array.from({ length: n }, () => {
    const key = Buffer.from(KEYS[int(KEYS.length)] as string);
    const r = int(3);
    const end = r === 0 ? undefined : r === 1 ? Buffer.from([0]) : Buffer.from(KEYS[int(KEYS.length)] as string);
    const low = Math.max(1, s.compacted - 1);
    const filters = [0, 1].filter(() => next() < 0.2);
    return { key, end, startRevision: low + int(s.revision - low + 1), prevKv: next() < 0.5, filters };
  });
}
