import type Database from 'better-sqlite3';
import type { LeaseLookup } from '../mvcc/types.js';

// Leases: the durable part (ID and granted TTL) lives in the state database and changes only
// when a grant or revoke is applied; expiry deadlines live in memory on the member that keeps
// time for the cluster (the leader), and are refreshed whenever that member starts keeping time.

/** etcd's ceiling on a lease TTL, in seconds. */
export const MAX_LEASE_TTL = 9_000_000_000;

export interface LeaseInfo {
  id: bigint;
  /** Granted TTL in seconds. */
  ttl: number;
}

export type GrantError = { kind: 'lease_exists' };

export class Lessor implements LeaseLookup {
  private readonly leases = new Map<bigint, number>();
  /** Deadline (ms since epoch) per lease; empty unless this member keeps lease time. */
  private readonly deadlines = new Map<bigint, number>();
  private keepingTime = false;
  private readonly insert: Database.Statement<[bigint, number]>;
  private readonly remove: Database.Statement<[bigint]>;

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number = Date.now,
  ) {
    db.exec('CREATE TABLE IF NOT EXISTS leases (id INTEGER PRIMARY KEY, ttl INTEGER NOT NULL)');
    this.insert = db.prepare('INSERT INTO leases (id, ttl) VALUES (?, ?)');
    this.remove = db.prepare('DELETE FROM leases WHERE id = ?');
    this.reload();
  }

  /** Re-reads the lease table, e.g. after a snapshot replaced it; a time keeper restarts every TTL. */
  reload(): void {
    const rows = this.db.prepare('SELECT id, ttl FROM leases').safeIntegers(true).all() as { id: bigint; ttl: bigint }[];
    this.leases.clear();
    this.deadlines.clear();
    for (const r of rows) this.leases.set(BigInt.asIntN(64, r.id), Number(r.ttl));
    if (this.keepingTime) this.promote();
  }

  exists(id: bigint): boolean {
    return this.leases.has(id);
  }

  /** Applies a grant. Runs inside the apply transaction. */
  grant(id: bigint, ttl: number): GrantError | undefined {
    if (this.leases.has(id)) return { kind: 'lease_exists' };
    this.insert.run(id, ttl);
    this.leases.set(id, ttl);
    if (this.keepingTime) this.deadlines.set(id, this.now() + ttl * 1000);
    return undefined;
  }

  /** Applies a revoke of the lease record (the caller deletes its keys). False when unknown. */
  revoke(id: bigint): boolean {
    if (!this.leases.has(id)) return false;
    this.remove.run(id);
    this.leases.delete(id);
    this.deadlines.delete(id);
    return true;
  }

  /** Starts keeping time: every lease gets a full TTL from now, as etcd does on a leader change or restart. */
  promote(): void {
    this.keepingTime = true;
    const now = this.now();
    for (const [id, ttl] of this.leases) this.deadlines.set(id, now + ttl * 1000);
  }

  demote(): void {
    this.keepingTime = false;
    this.deadlines.clear();
  }

  /**
   * Keep-alive: a full TTL from now. Undefined when the lease doesn't exist, or has already
   * expired: its revoke is then on its way, and renewing it would promise a TTL the revoke is
   * about to break (etcd's Renew refuses expired leases the same way).
   */
  renew(id: bigint): number | undefined {
    const ttl = this.leases.get(id);
    if (ttl === undefined) return undefined;
    if (this.keepingTime) {
      const now = this.now();
      const deadline = this.deadlines.get(id);
      if (deadline !== undefined && deadline <= now) return undefined;
      this.deadlines.set(id, now + ttl * 1000);
    }
    return ttl;
  }

  /** Remaining whole seconds (truncated, as etcd reports them) and the granted TTL. */
  timeToLive(id: bigint): { remaining: number; granted: number } | undefined {
    const ttl = this.leases.get(id);
    if (ttl === undefined) return undefined;
    const deadline = this.deadlines.get(id);
    if (deadline === undefined) return { remaining: ttl, granted: ttl };
    return { remaining: Math.max(0, Math.floor((deadline - this.now()) / 1000)), granted: ttl };
  }

  list(): LeaseInfo[] {
    return [...this.leases].map(([id, ttl]) => ({ id, ttl }));
  }

  /** Leases whose deadline has passed. Only the time-keeping member has any. */
  expired(): bigint[] {
    const now = this.now();
    const out: bigint[] = [];
    for (const [id, deadline] of this.deadlines) if (deadline <= now) out.push(id);
    return out;
  }
}
