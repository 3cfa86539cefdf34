import { killNemesis } from './kill.js';
import { membershipNemesis } from './membership.js';
import { partitionNemesis } from './partition.js';
import { pauseNemesis } from './pause.js';
import { slowDiskNemesis } from './slow-disk.js';
import { NEMESIS_KINDS, type Nemesis, type NemesisChoice, type NemesisKind } from './types.js';

export { NEMESIS_KINDS, type Fault, type Nemesis, type NemesisChoice, type NemesisKind } from './types.js';
export { runSchedule, type NemesisLogEntry, type ScheduleOptions } from './schedule.js';

export const NEMESES: Record<NemesisKind, Nemesis> = {
  kill: killNemesis,
  pause: pauseNemesis,
  partition: partitionNemesis,
  membership: membershipNemesis,
  'slow-disk': slowDiskNemesis,
};

/** A nemesis spec: "kill,partition:isolate-leader" (kind or kind:variant) / "all" / "none". */
export type NemesisSpec = string;

export function parseNemeses(spec: NemesisSpec): NemesisChoice[] {
  const s = spec.trim();
  if (s === 'none' || s === '') return [];
  const items = s === 'all' ? [...NEMESIS_KINDS] : s.split(',').map((x) => x.trim()).filter((x) => x !== '');
  const out: NemesisChoice[] = [];
  for (const item of items) {
    const [kind, variant] = item.split(':') as [string, string | undefined];
    if (!(NEMESIS_KINDS as readonly string[]).includes(kind)) {
      throw new Error(`unknown nemesis "${kind}" (known: ${NEMESIS_KINDS.join(', ')}, all, none)`);
    }
    const nemesis = NEMESES[kind as NemesisKind];
    if (variant !== undefined && !nemesis.variants.includes(variant)) {
      throw new Error(`unknown ${kind} variant "${variant}" (known: ${nemesis.variants.join(', ')})`);
    }
    if (!out.some((c) => c.nemesis === nemesis && c.variant === variant)) out.push({ nemesis, ...(variant !== undefined ? { variant } : {}) });
  }
  return out;
}

export function describeNemeses(choices: readonly NemesisChoice[]): string {
  return choices.map((c) => (c.variant !== undefined ? `${c.nemesis.kind}:${c.variant}` : c.nemesis.kind)).join(',') || 'none';
}
