import type { MvccEvent } from '../mvcc/types.js';

/** etcd's WatchCreateRequest.FilterType: NOPUT drops puts, NODELETE drops deletes. */
export type WatchFilter = 'noput' | 'nodelete';

export interface EventFilter {
  noPut: boolean;
  noDelete: boolean;
  prevKv: boolean;
}

export function eventFilterOf(filters: readonly WatchFilter[], prevKv: boolean): EventFilter {
  return { noPut: filters.includes('noput'), noDelete: filters.includes('nodelete'), prevKv };
}

/**
 * The events one watcher should see. Events are shared by every watcher of a publish, so they are
 * never mutated: prevKv is dropped by copying the event.
 */
export function applyEventFilter(f: EventFilter, events: readonly MvccEvent[]): MvccEvent[] {
  const out: MvccEvent[] = [];
  for (const ev of events) {
    if (ev.type === 'put' ? f.noPut : f.noDelete) continue;
    out.push(f.prevKv || ev.prevKv === undefined ? ev : { type: ev.type, kv: ev.kv });
  }
  return out;
}
