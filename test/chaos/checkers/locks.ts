// Mutual exclusion as the storage saw it. Critical sections may overlap in
// wall-clock time (a paused holder whose lease expired still believes it
// holds the lock); fencing makes that harmless, and that is what is checked,
// in revision order, per lock:
//  - every acknowledged guarded write committed inside its section's tenure:
//    after the lock key's creation (fencing revision) and the acquisition,
//    before the unlock;
//  - sections ordered by fencing revision (the lock's queue order) own
//    disjoint, increasing revision ranges: from acquisition (or the first
//    write) to release (or the last write). So no guarded write of one
//    holder falls between two of another's.
import type { LockSection } from '../history.js';
import { type CheckResult, ErrorList, ms, revOf } from './common.js';

export interface LockStats {
  locks: number;
  sections: number;
  /** Sections with at least one acknowledged guarded write. */
  sectionsWithWrites: number;
  okWrites: number;
  /** Guarded writes whose compare failed: fenced out. */
  fencedWrites: number;
  infoWrites: number;
  /** Pairs of sections of one lock overlapping in wall-clock time (allowed; fencing must cover them). */
  wallClockOverlaps: number;
}

interface Tenure {
  s: LockSection;
  name: string;
  fencing: number;
  writes: number[];
  /** Revision range the section owned: [from, to]. */
  from: number;
  to: number;
  toIsRelease: boolean;
}


export function checkLocks(sections: readonly LockSection[]): CheckResult<LockStats> {
  const errors = new ErrorList();
  const warnings: string[] = [];
  const stats: LockStats = { locks: 0, sections: sections.length, sectionsWithWrites: 0, okWrites: 0, fencedWrites: 0, infoWrites: 0, wallClockOverlaps: 0 };
  const byLock = new Map<string, LockSection[]>();
  for (const s of sections) {
    let l = byLock.get(s.lock);
    if (!l) byLock.set(s.lock, (l = []));
    l.push(s);
  }
  stats.locks = byLock.size;

  for (const [lock, list] of byLock) {
    const tenures: Tenure[] = [];
    const writeRevs = new Map<number, string>();
    for (const s of list) {
      const name = `lock ${JSON.stringify(lock)}: holder ${s.holder} (fencing revision ${s.fencingRevision}, acquired @${ms(s.acquireMs)})`;
      const fencing = revOf(s.fencingRevision);
      if (fencing === undefined) {
        errors.add(`malformed: ${name}: bad fencing revision`);
        continue;
      }
      const acquire = revOf(s.acquireRevision);
      const release = revOf(s.releaseRevision);
      const writes: number[] = [];
      for (const w of s.writes) {
        if (w.outcome === 'fail') stats.fencedWrites++;
        if (w.outcome === 'info') stats.infoWrites++;
        if (w.outcome !== 'ok') continue;
        stats.okWrites++;
        const r = revOf(w.revision);
        if (r === undefined) {
          warnings.push(`${name}: acknowledged guarded write @${ms(w.invokeMs)} has no revision`);
          continue;
        }
        const desc = `guarded write of ${JSON.stringify(w.key)} at revision ${r} (@${ms(w.invokeMs)}–${ms(w.completeMs)})`;
        if (r <= fencing) errors.add(`${name}: ${desc} committed before the lock key was created at ${fencing}`);
        if (acquire !== undefined && r <= acquire) errors.add(`${name}: ${desc} committed at or before the acquisition, seen at revision ${acquire}`);
        if (release !== undefined && r >= release) errors.add(`${name}: ${desc} committed after the lock key was deleted at ${release}`);
        const other = writeRevs.get(r);
        if (other) errors.add(`${name}: ${desc} shares its revision with a write of ${other}`);
        writeRevs.set(r, `holder ${s.holder} (fencing ${fencing})`);
        writes.push(r);
      }
      writes.sort((a, b) => a - b);
      if (writes.length === 0) continue;
      stats.sectionsWithWrites++;
      tenures.push({
        s,
        name,
        fencing,
        writes,
        from: acquire ?? writes[0]!,
        to: release ?? writes[writes.length - 1]!,
        toIsRelease: release !== undefined,
      });
    }

    // Queue order: by fencing revision, each tenure must begin after all earlier ones ended.
    tenures.sort((a, b) => a.fencing - b.fencing || a.from - b.from);
    let lastWriter: Tenure | undefined; // earlier tenure with the latest write
    let lastHolder: Tenure | undefined; // earlier tenure that held the lock latest
    for (const b of tenures) {
      const a = lastWriter;
      const h = lastHolder;
      if (a && a.fencing !== b.fencing) {
        const lastA = a.writes[a.writes.length - 1]!;
        const interleaved = b.writes.filter((r) => r < lastA);
        if (interleaved.length > 0) {
          const inside = a.writes.filter((r) => r > interleaved[0]!);
          errors.add(
            `${b.name} wrote at revision ${interleaved.join(', ')}, before ${a.name}, which was ahead in the queue, ` +
              `wrote at revision ${inside.join(', ')}: guarded writes of two holders interleave`,
          );
        } else if (h && h.fencing !== b.fencing && b.from < h.to) {
          errors.add(
            `${b.name} held the lock from revision ${b.from} (${b.s.acquireRevision !== undefined ? 'acquisition' : 'first write'}), ` +
              `while ${h.name} held it until ${h.to} (${h.toIsRelease ? 'unlock' : 'last write'}): their tenures overlap`,
          );
        }
      }
      if (!a || b.writes[b.writes.length - 1]! > a.writes[a.writes.length - 1]!) lastWriter = b;
      if (!h || b.to > h.to) lastHolder = b;
    }

    // Wall-clock overlaps are legal but worth counting.
    const timed = [...list].sort((a, b) => a.acquireMs - b.acquireMs);
    for (let i = 0; i < timed.length; i++) {
      const end = timed[i]!.releaseMs ?? Infinity;
      for (let j = i + 1; j < timed.length && timed[j]!.acquireMs < end; j++) stats.wallClockOverlaps++;
    }
  }
  return { valid: errors.count === 0, errors: errors.done(), warnings, stats };
}
