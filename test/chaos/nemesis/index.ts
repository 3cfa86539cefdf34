import { killNemesis } from './kill.js';
import { membershipNemesis } from './membership.js';
import { partitionNemesis } from './partition.js';
import { pauseNemesis } from './pause.js';
import { slowDiskNemesis } from './slow-disk.js';
import { NEMESIS_KINDS, type Nemesis, type NemesisKind } from './types.js';

export { NEMESIS_KINDS, type Fault, type Nemesis, type NemesisKind } from './types.js';
export { runSchedule, type NemesisLogEntry, type ScheduleOptions } from './schedule.js';

export const NEMESES: Record<NemesisKind, Nemesis> = {
  kill: killNemesis,
  pause: pauseNemesis,
  partition: partitionNemesis,
  membership: membershipNemesis,
  'slow-disk': slowDiskNemesis,
};

/** "kill,pause" / "all" / "none" -> kinds. */
export function parseNemeses(spec: string): NemesisKind[] {
  const s = spec.trim();
  if (s === 'all') return [...NEMESIS_KINDS];
  if (s === 'none' || s === '') return [];
  const kinds = s.split(',').map((x) => x.trim());
  for (const k of kinds) {
    if (!(NEMESIS_KINDS as readonly string[]).includes(k)) throw new Error(`unknown nemesis "${k}" (known: ${NEMESIS_KINDS.join(', ')}, all, none)`);
  }
  return [...new Set(kinds)] as NemesisKind[];
}
