// The end state against the acknowledged writes, on every member.
//
// For each key the history wrote: let W be its acknowledged write with the
// highest revision. Each member must hold W's result, or a later one: a kv
// with a higher mod_revision whose value some write (acknowledged at that
// revision, or indeterminate) put there, or no kv if W was a delete or some
// delete (acknowledged above W, or indeterminate) may have come later. A kv
// at an acknowledged write's revision must hold that write's value. Members
// read at the same revision must hold identical kvs, and every member's
// HashKV at the common revision must agree. Keys bound to leases (lock keys)
// are not judged.
import type { FinalKv, FinalState } from '../history.js';
import { type CheckResult, ErrorList, q } from './common.js';
import type { KnownMutation } from './mutations.js';

export interface DurabilityStats {
  members: number;
  /** Keys the history wrote (the others in the final state are not judged). */
  keys: number;
  acknowledgedWrites: number;
  /** (member, key) pairs checked. */
  checked: number;
  hashes: number;
}

export function checkDurability(mutations: readonly KnownMutation[], final: FinalState): CheckResult<DurabilityStats> {
  const errors = new ErrorList();
  const warnings: string[] = [];
  const byKey = new Map<string, KnownMutation[]>();
  let acked = 0;
  const leased = new Set(mutations.filter((m) => m.leased).map((m) => m.key));
  for (const m of mutations) {
    if (leased.has(m.key)) continue; // may vanish with its lease
    let l = byKey.get(m.key);
    if (!l) byKey.set(m.key, (l = []));
    l.push(m);
    if (m.outcome === 'ok') acked++;
  }
  const stats: DurabilityStats = { members: final.members.length, keys: byKey.size, acknowledgedWrites: acked, checked: 0, hashes: final.hashes.length };

  for (const member of final.members) {
    const kvs = new Map<string, FinalKv>(member.kvs.map((kv) => [kv.key, kv]));
    const at = `member ${member.member}${member.revision !== undefined ? ` (read at revision ${member.revision})` : ''}`;
    const readAt = member.revision !== undefined && /^\d+$/.test(member.revision) ? Number(member.revision) : Infinity;
    for (const [key, muts] of byKey) {
      stats.checked++;
      const late = muts.find((m) => m.outcome === 'ok' && m.revision !== undefined && m.revision > readAt);
      if (late) warnings.push(`${at}: ${late.source} on key ${JSON.stringify(key)} committed at ${late.revision}, after the final read`);
      const k = JSON.stringify(key);
      let last: KnownMutation | undefined;
      for (const m of muts) if (m.outcome === 'ok' && m.revision !== undefined && m.revision <= readAt && (!last || m.revision > last.revision!)) last = m;
      const after = (r: number): KnownMutation[] => muts.filter((m) => m.outcome === 'info' || (m.revision !== undefined && m.revision > r));
      const kv = kvs.get(key);
      if (kv === undefined) {
        if (!last || last.type === 'delete') continue;
        if (after(last.revision!).some((m) => m.type === 'delete')) continue;
        errors.add(`${at}: key ${k} is missing, but ${last.source} wrote ${q(last.value)} at revision ${last.revision} and no later delete exists: acknowledged write lost`);
        continue;
      }
      const mod = Number(kv.modRevision);
      const exact = muts.find((m) => m.outcome === 'ok' && m.revision === mod);
      if (exact) {
        if (exact.type !== 'put' || (exact.value !== undefined && exact.value !== kv.value)) {
          errors.add(`${at}: key ${k} holds ${q(kv.value)} at mod_revision ${mod}, but that revision is ${exact.source}, which ${exact.type === 'put' ? `wrote ${q(exact.value)}` : 'deleted the key'}`);
          continue;
        }
      } else if (!muts.some((m) => m.type === 'put' && (m.value === undefined || m.value === kv.value) && (m.outcome === 'info' || m.revision === undefined))) {
        errors.add(`${at}: key ${k} holds ${q(kv.value)} at mod_revision ${mod}, which no write of the history put there`);
        continue;
      }
      if (last && mod < last.revision!) {
        errors.add(
          `${at}: key ${k} holds ${q(kv.value)} at mod_revision ${mod}, older than ${last.source} at revision ${last.revision}: acknowledged ${last.type === 'put' ? 'write' : 'delete'} lost`,
        );
      }
    }
  }

  // Members read at the same revision hold the same kvs.
  const byRev = new Map<string, typeof final.members>();
  for (const m of final.members) {
    const r = m.revision ?? '?';
    let l = byRev.get(r);
    if (!l) byRev.set(r, (l = []));
    l.push(m);
  }
  if (byRev.size > 1) warnings.push(`members were read at different revisions (${[...byRev.keys()].join(', ')}): their kvs are compared within each revision only`);
  for (const [r, ms] of byRev) {
    const [ref, ...rest] = ms;
    if (!ref) continue;
    const refKvs = new Map(ref.kvs.map((kv) => [kv.key, kv]));
    for (const m of rest) {
      const diffs: string[] = [];
      const keys = new Set([...refKvs.keys(), ...m.kvs.map((kv) => kv.key)]);
      const mine = new Map(m.kvs.map((kv) => [kv.key, kv]));
      for (const key of keys) {
        const a = refKvs.get(key);
        const b = mine.get(key);
        if (a?.value !== b?.value || a?.modRevision !== b?.modRevision) {
          const show = (x: FinalKv | undefined): string => (x ? `${q(x.value)}@${x.modRevision}` : '(absent)');
          diffs.push(`${JSON.stringify(key)}: ${show(a)} vs ${show(b)}`);
        }
      }
      if (diffs.length) {
        errors.add(`members ${ref.member} and ${m.member} differ at revision ${r} on ${diffs.length} key(s): ${diffs.slice(0, 5).join('; ')}${diffs.length > 5 ? '; ...' : ''}`);
      }
    }
  }

  // HashKV at the common revision.
  const hashRevs = new Set(final.hashes.map((h) => h.revision));
  if (hashRevs.size > 1) errors.add(`HashKV was taken at different revisions (${[...hashRevs].join(', ')}): cannot compare`);
  else if (final.hashes.length > 1) {
    const [ref, ...rest] = final.hashes;
    for (const h of rest) {
      if (h.hash !== ref!.hash || (h.compactRevision ?? '') !== (ref!.compactRevision ?? '')) {
        errors.add(
          `HashKV at revision ${h.revision} differs: member ${ref!.member} has ${ref!.hash} (compact revision ${ref!.compactRevision ?? '?'}), ` +
            `member ${h.member} has ${h.hash} (compact revision ${h.compactRevision ?? '?'})`,
        );
      }
    }
  }
  if (final.members.length === 0) warnings.push('no member final state to check');
  return { valid: errors.count === 0, errors: errors.done(), warnings, stats };
}
