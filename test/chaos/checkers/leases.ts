// A lease's key against the lease's deadlines, from the client's side.
//
// Alive: a grant or keep-alive is processed somewhere between its invoke and
// its response, and gives the lease a full TTL from then. So the lease is
// surely alive until (latest invoke of a successful grant / keep-alive) +
// TTL, and until a revoke is invoked; a linearizable read lying entirely in
// that window (after the attaching put completed) must find the key.
//
// Gone: the leader revokes an expired lease; one elected later restarts every
// lease's full TTL (raftkv and etcd do this on promotion). So the lease
// expires at (latest response of a successful grant / keep-alive) + TTL, and
// each leader change before it is revoked restarts the TTL. It is surely gone
// an election timeout + slack after expiring, provided some quorum operation
// (a lease grant, attach, revoke or read, or params.workingMs) shows the
// cluster working in that window; otherwise it may have had no leader to
// revoke it, and it waits for the next leader change. A read invoked after
// that, or after a revoke completed, must not find the key; a keep-alive
// invoked after it must not succeed, and one answered while the lease was
// surely alive must not report it gone.
import type { LeaseRecord } from '../history.js';
import { type CheckResult, ErrorList, ms } from './common.js';

export interface LeaseParams {
  electionTimeoutMs: number;
  /** Extra allowance for scheduling, proposal and apply latency. */
  slackMs: number;
  /** When leaders were elected (same clock), if known; each may restart lease TTLs. */
  leaderChangesMs?: readonly number[];
  /** More calls that needed a working quorum (e.g. acknowledged linearizable register ops). */
  workingMs?: ReadonlyArray<{ invokeMs: number; completeMs: number }>;
}

export interface LeaseStats {
  leases: number;
  observations: number;
  /** Observations inside the surely-alive window. */
  checkedAlive: number;
  /** Observations after the surely-gone deadline (or a revoke). */
  checkedGone: number;
  keepAlives: number;
  /** Leases whose deadline is unknown (no sign of a working cluster after expiry, nor a later leader change). */
  deadlineUnknown: number;
}

export function checkLeases(leases: readonly LeaseRecord[], params: LeaseParams): CheckResult<LeaseStats> {
  const errors = new ErrorList();
  const warnings: string[] = [];
  const stats: LeaseStats = { leases: leases.length, observations: 0, checkedAlive: 0, checkedGone: 0, keepAlives: 0, deadlineUnknown: 0 };
  const changes = [...(params.leaderChangesMs ?? [])].sort((a, b) => a - b);
  const grace = params.electionTimeoutMs + params.slackMs;
  // Calls that committed through a quorum, by completion.
  const working = [...(params.workingMs ?? [])];
  for (const l of leases) {
    working.push(l.grant, l.attach, ...l.observations);
    if (l.revoke) working.push(l.revoke);
  }
  working.sort((a, b) => a.completeMs - b.completeMs);
  /** Whether some quorum call lay entirely within [from, to]. */
  const workedIn = (from: number, to: number): boolean => {
    let lo = 0;
    let hi = working.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (working[mid]!.completeMs < from) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < working.length && working[i]!.completeMs <= to; i++) if (working[i]!.invokeMs >= from) return true;
    return false;
  };

  for (const l of leases) {
    const name = `lease ${l.leaseId} (TTL ${l.ttlMs}ms, key ${JSON.stringify(l.key)})`;
    if (!(l.ttlMs > 0)) {
      errors.add(`malformed: ${name}: bad TTL`);
      continue;
    }
    // Successful renewals (the grant first), in response order.
    const renewals = [{ invokeMs: l.grant.invokeMs, completeMs: l.grant.completeMs, ttlMs: l.ttlMs, what: 'grant' }];
    for (const k of l.keepAlives) {
      stats.keepAlives++;
      if (k.ttlMs > 0) renewals.push({ ...k, what: `keep-alive @${ms(k.invokeMs)}` });
    }
    renewals.sort((a, b) => a.completeMs - b.completeMs);

    /** Deadlines given the renewals answered before time t. */
    const deadlines = (t: number): { aliveUntil: number; goneBy: number } => {
      let aliveUntil = -Infinity;
      let lastDone = -Infinity;
      let ttl = l.ttlMs;
      for (const r of renewals) {
        if (r.completeMs > t) break;
        aliveUntil = Math.max(aliveUntil, r.invokeMs + r.ttlMs);
        if (r.completeMs > lastDone) [lastDone, ttl] = [r.completeMs, r.ttlMs];
      }
      if (lastDone === -Infinity) return { aliveUntil, goneBy: Infinity };
      let expiry = lastDone + ttl;
      let c = 0;
      for (;;) {
        // Leader changes before the revoke restart the TTL.
        for (; c < changes.length && changes[c]! <= expiry + grace; c++) if (changes[c]! >= lastDone) expiry = Math.max(expiry, changes[c]! + ttl);
        if (workedIn(expiry, expiry + grace)) break;
        // No sign of a leader to revoke it: it lives until the next one's TTL.
        if (c === changes.length) return { aliveUntil, goneBy: Infinity };
        expiry = changes[c]! + ttl;
      }
      return { aliveUntil, goneBy: expiry + grace };
    };
    const finalGoneBy = deadlines(Infinity).goneBy;
    if (finalGoneBy === Infinity) stats.deadlineUnknown++;
    const revokeInvoke = l.revoke?.invokeMs ?? Infinity;
    const revokeDone = l.revoke?.completeMs ?? Infinity;

    for (const k of l.keepAlives) {
      const d = deadlines(k.invokeMs);
      if (k.ttlMs <= 0 && k.completeMs < Math.min(d.aliveUntil, revokeInvoke)) {
        errors.add(`${name}: keep-alive @${ms(k.invokeMs)}–${ms(k.completeMs)} was told the lease is gone, but it was surely alive until ${ms(d.aliveUntil)}`);
      }
      if (k.ttlMs > 0 && (k.invokeMs > d.goneBy || k.invokeMs > revokeDone)) {
        const why = k.invokeMs > revokeDone ? `it was revoked by ${ms(revokeDone)}` : `it had to be gone by ${ms(d.goneBy)}`;
        errors.add(`${name}: keep-alive @${ms(k.invokeMs)}–${ms(k.completeMs)} renewed the lease, but ${why}`);
      }
    }

    for (const o of l.observations) {
      stats.observations++;
      if (o.invokeMs < l.attach.completeMs) continue; // the key may not be there yet
      const seen = `a read @${ms(o.invokeMs)}–${ms(o.completeMs)}`;
      const d = deadlines(o.invokeMs);
      const aliveUntil = Math.min(d.aliveUntil, revokeInvoke);
      if (o.completeMs < aliveUntil) {
        stats.checkedAlive++;
        if (!o.present) errors.add(`${name}: ${seen} found the key absent, but the lease was surely alive until ${ms(aliveUntil)}`);
      }
      const goneBy = Math.min(finalGoneBy, revokeDone);
      if (o.invokeMs > goneBy) {
        stats.checkedGone++;
        if (o.present) {
          const why = o.invokeMs > revokeDone ? `the lease was revoked by ${ms(revokeDone)}` : `the lease had to expire by ${ms(goneBy)}`;
          errors.add(`${name}: ${seen} still found the key, but ${why}`);
        }
      }
    }
  }
  return { valid: errors.count === 0, errors: errors.done(), warnings, stats };
}
