import * as rpc from '../gen/etcdserverpb.js';
import type { InternalRequestInit } from '../gen/raftkvpb.js';
import type { Logger } from 'pino';
import type { Alarms } from './alarms.js';
import type { ApplyResult } from './apply-results.js';

export interface QuotaOptions {
  memberId: bigint;
  /** Bytes of data the database may hold (--quota-backend-bytes). */
  quota: number;
  /** The database file's size. */
  size: () => number;
  /** The size of an empty state database (see emptyStateSize). */
  emptySize: number;
  alarms: Pick<Alarms, 'has'>;
  raise: (req: rpc.AlarmRequest) => Promise<ApplyResult>;
  logger: Logger;
}

/** etcd's estimates (etcdserver/quota.go): a key's metadata, and a lease. */
const KV_OVERHEAD = 256;
const LEASE_OVERHEAD = 64;

function costPut(p: rpc.PutRequestInit): number {
  return KV_OVERHEAD + (p.key?.length ?? 0) + (p.value?.length ?? 0);
}

function costBranch(ops: readonly rpc.RequestOpInit[] | undefined): number {
  let n = 0;
  for (const op of ops ?? []) if (op.request_put !== undefined) n += costPut(op.request_put);
  return n;
}

/** What a request may add to the database, as etcd estimates it; 0 for requests that add nothing. */
export function quotaCost(req: InternalRequestInit): number {
  if (req.put !== undefined) return costPut(req.put);
  if (req.txn !== undefined) return Math.max(costBranch(req.txn.success), costBranch(req.txn.failure));
  if (req.lease_grant !== undefined) return LEASE_OVERHEAD;
  return 0;
}

// etcd's backend quota. etcd admits a write while the database's size plus the write's estimated
// cost stays below the quota, and raises the NOSPACE alarm (the cluster then takes no more writes
// that grow the store until an operator disarms it) when one is refused or when the database
// outgrows the quota anyway.
//
// The size measured is the database beyond what an empty one takes. An empty bbolt file is about
// 20 kB; an empty state database is 64 kB (a first page per table and index), which alone exceeds
// quotas etcd's own tests use (53,248 bytes = 13 pages). Counting the fixed footprint would make a
// quota mean less data here than on etcd, and shrinking it would take fewer tables or smaller
// pages (slower). So the quota bounds the data, as an operator sizing it means it to.
export class QuotaGuard {
  private raising = false;
  /** used() as of the last applied batch: the size changes only when something applies. */
  private lastUsed: number | undefined;

  constructor(private readonly o: QuotaOptions) {}

  /** Bytes held beyond an empty database. */
  used(): number {
    this.lastUsed = Math.max(0, this.o.size() - this.o.emptySize);
    return this.lastUsed;
  }

  /** Whether a write may be proposed: false (and the alarm raised) when it would not fit, or NOSPACE is up. */
  admits(req: InternalRequestInit): boolean {
    if (this.o.alarms.has('NOSPACE')) return false;
    const cost = quotaCost(req);
    if (cost === 0 || (this.lastUsed ?? this.used()) + cost < this.o.quota) return true;
    this.raise();
    return false;
  }

  /** Called after each applied batch: the writes admitted may together outgrow the quota. */
  check(): void {
    if (this.used() < this.o.quota || this.o.alarms.has('NOSPACE')) return;
    this.raise();
  }

  private raise(): void {
    const o = this.o;
    if (this.raising || o.alarms.has('NOSPACE')) return;
    this.raising = true;
    o.logger.warn({ quota: o.quota, used: this.used() }, 'database space exceeded; raising NOSPACE alarm');
    void o
      .raise({ action: rpc.AlarmRequest_AlarmAction.ACTIVATE, memberID: o.memberId, alarm: rpc.AlarmType.NOSPACE })
      .finally(() => (this.raising = false));
  }
}
