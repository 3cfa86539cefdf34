// Watch streams against each other and against the writes the history knows.
//
// What is known to have happened at revision R on key k is the union of all
// acknowledged writes (with their revisions) and every event any stream
// delivered. Then each stream segment must deliver, in strictly increasing
// (revision, key) order and without duplicates, exactly the known changes in
// its watched range for every revision from its start through its end
// revision; every delivery of (R, k) must agree with every other and with the
// write (type, value); a revision that a single-key write owns carries no
// other key. The segments of one logical watcher (resumed at last seen + 1)
// must join up, and along that continuous stream prev_kv, version and
// create_revision must follow from the key's previous event.
import type { WatchEvent, WatchObservation } from '../history.js';
import { type CheckResult, ErrorList, inRange, q } from './common.js';
import type { KnownMutation } from './mutations.js';

export interface WatchOptions {
  /** Writes known from the rest of the history (see mutationsOf); only acknowledged ones with revisions are used. */
  mutations?: readonly KnownMutation[];
}

export interface WatchStats {
  watchers: number;
  segments: number;
  events: number;
  /** Distinct (revision, key) changes known. */
  knownChanges: number;
  /** (segment, change) pairs verified as delivered. */
  deliveriesChecked: number;
}

interface Change {
  rev: number;
  key: string;
  type: 'put' | 'delete';
  value?: string;
  source: string;
}

interface Segment {
  obs: WatchObservation;
  name: string;
  start: number;
  end: number;
}

const num = (r: string): number => (/^\d+$/.test(r) ? Number(r) : NaN);
const ck = (rev: number, key: string): string => `${rev}\u0000${key}`;
const what = (c: { type: string; key: string; value?: string }): string => (c.type === 'put' ? `put ${JSON.stringify(c.key)}=${q(c.value)}` : `delete ${JSON.stringify(c.key)}`);

export function checkWatches(observations: readonly WatchObservation[], opts: WatchOptions = {}): CheckResult<WatchStats> {
  const errors = new ErrorList();
  const warnings: string[] = [];
  const known = new Map<string, Change>();
  const owner = new Map<number, Change>(); // revision -> the single-key write that made it

  for (const m of opts.mutations ?? []) {
    if (m.outcome !== 'ok' || m.revision === undefined) continue;
    const c: Change = { rev: m.revision, key: m.key, type: m.type, ...(m.value !== undefined ? { value: m.value } : {}), source: m.source };
    const o = owner.get(c.rev);
    if (o && (o.key !== c.key || o.type !== c.type || o.value !== c.value)) {
      errors.add(`revision ${c.rev} claimed by two acknowledged writes: ${o.source} (${what(o)}) and ${c.source} (${what(c)})`);
      continue;
    }
    owner.set(c.rev, c);
    known.set(ck(c.rev, c.key), c);
  }

  const segments: Segment[] = observations.map((obs, i) => {
    const name = `watcher ${obs.watcher} segment ${obs.segment ?? i}`;
    return { obs, name, start: num(obs.startRevision), end: num(obs.endRevision) };
  });
  let events = 0;
  for (const s of segments) {
    if (!Number.isFinite(s.start) || !Number.isFinite(s.end)) {
      errors.add(`malformed: ${s.name}: bad start/end revision ${JSON.stringify(s.obs.startRevision)}..${JSON.stringify(s.obs.endRevision)}`);
      continue;
    }
    // Order, duplicates, range, and agreement with everything else known.
    let prev: WatchEvent | undefined;
    const seenAtRev = new Set<string>();
    for (const e of s.obs.events) {
      events++;
      const rev = num(e.revision);
      const at = `${s.name}: event ${what(e)} at revision ${e.revision}`;
      if (!Number.isFinite(rev)) {
        errors.add(`malformed: ${at}: bad revision`);
        continue;
      }
      if (rev < s.start) errors.add(`${at} is before the watch's start revision ${s.start}`);
      if (!inRange(e.key, s.obs)) errors.add(`${at} is outside the watched range`);
      if (prev !== undefined) {
        const p = num(prev.revision);
        if (rev < p) errors.add(`${at} arrived after an event at revision ${p}: out of order`);
        if (rev !== p) seenAtRev.clear();
      }
      if (seenAtRev.has(e.key)) errors.add(`${at} was delivered twice`);
      seenAtRev.add(e.key);
      prev = e;
      const c: Change = { rev, key: e.key, type: e.type, ...(e.value !== undefined ? { value: e.value } : {}), source: s.name };
      const o = owner.get(rev);
      if (o && o.key !== e.key) errors.add(`${at}, but revision ${rev} is ${o.source} (${what(o)}), a write of a single key`);
      const k = known.get(ck(rev, e.key));
      if (!k) known.set(ck(rev, e.key), c);
      else if (k.type !== c.type || (k.value !== undefined && c.value !== undefined && k.value !== c.value)) {
        errors.add(`${at} disagrees with ${k.source}, which has ${what(k)} at that revision`);
      } else if (k.value === undefined && c.value !== undefined) {
        known.set(ck(rev, e.key), { ...k, value: c.value });
      }
    }
  }

  // No gaps: every known change in a segment's range and revisions was delivered.
  const changes = [...known.values()].sort((a, b) => a.rev - b.rev);
  let deliveriesChecked = 0;
  for (const s of segments) {
    if (!Number.isFinite(s.start) || !Number.isFinite(s.end) || s.end < s.start) continue;
    const got = new Set(s.obs.events.map((e) => ck(num(e.revision), e.key)));
    let missed = 0;
    const examples: string[] = [];
    for (let i = lowerBound(changes, s.start); i < changes.length && changes[i]!.rev <= s.end; i++) {
      const c = changes[i]!;
      if (!inRange(c.key, s.obs)) continue;
      deliveriesChecked++;
      if (got.has(ck(c.rev, c.key))) continue;
      missed++;
      if (examples.length < 3) examples.push(`${what(c)} at revision ${c.rev} (known from ${c.source})`);
    }
    if (missed > 0) {
      errors.add(`${s.name} (revisions ${s.start}..${s.end}) missed ${missed} change(s) in its range: ${examples.join('; ')}${missed > examples.length ? '; ...' : ''}`);
    }
  }

  // Logical watchers: segments must join up; then check the continuous stream.
  const byWatcher = new Map<string, Segment[]>();
  for (const s of segments) {
    if (!Number.isFinite(s.start) || !Number.isFinite(s.end)) continue;
    let l = byWatcher.get(s.obs.watcher);
    if (!l) byWatcher.set(s.obs.watcher, (l = []));
    l.push(s);
  }
  for (const [watcher, segs] of byWatcher) {
    segs.sort((a, b) => (a.obs.segment ?? a.start) - (b.obs.segment ?? b.start) || a.start - b.start);
    const history = new Map<string, WatchEvent>(); // key -> last event in the continuous stream
    let covered = -Infinity; // last revision the stream is known to have delivered through
    for (const s of segs) {
      if (covered !== -Infinity && s.start > covered + 1) {
        const hole = changes.filter((c) => c.rev > covered && c.rev < s.start && inRange(c.key, s.obs)).length;
        errors.add(
          `watcher ${watcher} resumed at revision ${s.start} (${s.name}) but had only been delivered through ${covered}: ` +
            `revisions ${covered + 1}..${s.start - 1} were never watched${hole ? ` (${hole} known change(s) there lost)` : ''}`,
        );
        history.clear();
      } else if (covered !== -Infinity && s.start <= covered) {
        warnings.push(`watcher ${watcher} resumed at revision ${s.start} (${s.name}) although delivered through ${covered}: events up to ${covered} are delivered again`);
      }
      for (const e of s.obs.events) {
        const rev = num(e.revision);
        if (rev <= covered) continue; // redelivery of an overlap asked for
        checkSuccession(errors, s.name, history.get(e.key), e, rev);
        history.set(e.key, e);
      }
      covered = Math.max(covered, s.end);
    }
  }

  return {
    valid: errors.count === 0,
    errors: errors.done(),
    warnings,
    stats: { watchers: byWatcher.size, segments: segments.length, events, knownChanges: known.size, deliveriesChecked },
  };
}

/** An event against the previous event of the same key in a continuous stream (undefined: none seen). */
function checkSuccession(errors: ErrorList, name: string, last: WatchEvent | undefined, e: WatchEvent, rev: number): void {
  const at = `${name}: event ${what(e)} at revision ${e.revision}`;
  const lastValue = last === undefined ? undefined : last.type === 'put' ? (last.value ?? undefined) : null;
  if (e.prevValue !== undefined) {
    if (e.type === 'delete' && e.prevValue === null) errors.add(`${at} has no prev_kv: a delete event always has one`);
    if (lastValue !== undefined && e.prevValue !== lastValue) {
      errors.add(`${at} has prev_kv ${q(e.prevValue)}, but the previous event of that key (revision ${last!.revision}) left ${q(lastValue)}`);
    }
  }
  if (e.type === 'delete' && last?.type === 'delete') errors.add(`${at} follows a delete of the same key at revision ${last.revision}, with no put in between`);
  if (e.type !== 'put' || e.version === undefined || e.createRevision === undefined) return;
  const version = Number(e.version);
  const create = Number(e.createRevision);
  if ((version === 1) !== (create === rev)) errors.add(`${at} has version ${e.version} but create_revision ${e.createRevision}`);
  if (last === undefined) return;
  if (last.type === 'delete') {
    if (version !== 1) errors.add(`${at} recreates the key deleted at revision ${last.revision} but has version ${e.version}`);
  } else if (last.version !== undefined && last.createRevision !== undefined) {
    if (version !== Number(last.version) + 1) errors.add(`${at} has version ${e.version} after version ${last.version} at revision ${last.revision}`);
    if (e.createRevision !== last.createRevision) errors.add(`${at} has create_revision ${e.createRevision} but the key was created at ${last.createRevision}`);
  }
}

/** First index with rev >= r. */
function lowerBound(changes: readonly Change[], r: number): number {
  let lo = 0;
  let hi = changes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (changes[mid]!.rev < r) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
