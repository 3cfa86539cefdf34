// The nemesis schedule: episodes of (quiet, fault(s), active, heal) until the
// run's time is up. Each episode draws its kinds and durations from its own
// forked Rng first, so the same seed gives the same sequence whatever the
// cluster did. Sometimes two kinds overlap (healed in reverse order). A
// fault that cannot be applied (say, no quorum for a member remove) is
// logged and skipped; the final heal is the runner's.
import type { ChaosCluster } from '../chaos-cluster.js';
import type { Clock } from '../clock.js';
import type { Rng } from '../rng.js';
import type { Fault, NemesisChoice, NemesisKind } from './types.js';

export interface ScheduleOptions {
  cluster: ChaosCluster;
  nemeses: readonly NemesisChoice[];
  rng: Rng;
  clock: Clock;
  /** Run time on the clock at which no new fault starts. */
  untilMs: number;
  /** Fault durations, uniform in [min, max] ms. */
  activeMs: [number, number];
  quietMs: [number, number];
  /** Chance an episode combines two kinds. */
  combineChance?: number;
  log: (e: NemesisLogEntry) => void;
  /** Checked between steps: an abort ends the schedule early. */
  aborted?: () => boolean;
}

export interface NemesisLogEntry {
  atMs: number;
  episode: number;
  kind: NemesisKind | 'schedule';
  action: 'start' | 'heal' | 'error';
  detail: string;
}

export async function runSchedule(o: ScheduleOptions): Promise<number> {
  if (o.nemeses.length === 0) {
    await sleepUntil(o, o.untilMs);
    return 0;
  }
  let episodes = 0;
  for (let i = 0; ; i++) {
    const erng = o.rng.fork(`episode-${i}`);
    const quiet = erng.int(o.quietMs[0], o.quietMs[1]);
    const active = erng.int(o.activeMs[0], o.activeMs[1]);
    const first = erng.pick(o.nemeses);
    const rest = o.nemeses.filter((n) => n !== first);
    const chosen = rest.length > 0 && erng.chance(o.combineChance ?? 0.25) ? [first, erng.pick(rest)] : [first];
    await sleepUntil(o, o.clock.now() + quiet);
    if (o.clock.now() + Math.min(active, 1500) > o.untilMs || o.aborted?.()) break;
    episodes++;
    const faults: { kind: NemesisKind; fault: Fault }[] = [];
    let healed = true;
    for (const { nemesis, variant } of chosen) {
      const kind = nemesis.kind;
      try {
        const fault = await nemesis.start({ cluster: o.cluster, rng: erng.fork(kind), ...(variant !== undefined ? { variant } : {}) });
        faults.push({ kind, fault });
        o.log({ atMs: o.clock.now(), episode: i, kind, action: 'start', detail: fault.description });
      } catch (e) {
        healed = false; // it may have done half of its work
        o.log({ atMs: o.clock.now(), episode: i, kind, action: 'error', detail: `start failed: ${msg(e)}` });
      }
    }
    await sleepUntil(o, Math.min(o.clock.now() + active, o.untilMs));
    // Reverse order, but a re-add last: it needs a quorum, so the processes and links first.
    const order = faults.reverse().sort((a, b) => Number(a.kind === 'membership') - Number(b.kind === 'membership'));
    for (const { kind, fault } of order) {
      try {
        await fault.heal();
        o.log({ atMs: o.clock.now(), episode: i, kind, action: 'heal', detail: fault.description });
      } catch (e) {
        healed = false;
        o.log({ atMs: o.clock.now(), episode: i, kind, action: 'error', detail: `heal failed: ${msg(e)}` });
      }
    }
    // Never start the next episode on top of a half-healed one.
    if (!healed) {
      try {
        await o.cluster.heal(60_000);
        o.log({ atMs: o.clock.now(), episode: i, kind: 'schedule', action: 'heal', detail: 'full heal after a failed one' });
      } catch (e) {
        o.log({ atMs: o.clock.now(), episode: i, kind: 'schedule', action: 'error', detail: `full heal failed: ${msg(e)}` });
      }
    }
  }
  return episodes;
}

async function sleepUntil(o: ScheduleOptions, atMs: number): Promise<void> {
  while (o.clock.now() < atMs && !o.aborted?.()) {
    await new Promise((r) => setTimeout(r, Math.min(100, atMs - o.clock.now())));
  }
}

function msg(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0] ?? '' : String(e);
}
