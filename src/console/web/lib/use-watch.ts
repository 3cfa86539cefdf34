// A live watch on a prefix through the gateway's streaming /v3/watch (fetch + stream reader, so the
// Authorization header goes along). Every event is kept (up to a bound) whatever the view shows.
import { useEffect, useRef, useState } from 'preact/hooks';
import { type Api, errorText } from './api';
import { b64, b64ToText, bytesToB64, prefixEnd, utf8 } from './bytes';
import { readLines } from './lines';
import type { GatewayEvent } from './types';

const MAX_EVENTS = 10_000;

export interface WatchedEvent {
  seq: number;
  type: 'PUT' | 'DELETE';
  key: string;
  value: string;
  modRevision: string;
}

interface WatchLine {
  result?: { created?: boolean; canceled?: boolean; cancel_reason?: string; compact_revision?: string; events?: GatewayEvent[] };
  error?: { message?: string; error?: string };
}

export interface Watch {
  events: WatchedEvent[];
  /** Events dropped because more than MAX_EVENTS arrived (oldest first). */
  dropped: number;
  running: boolean;
  /** The server confirmed the watch: events from now on are caught. */
  created: boolean;
  error: string | null;
  start: (prefix: string, fromRevision: number | null) => void;
  stop: () => void;
  clear: () => void;
}

export function useWatch(api: Api): Watch {
  const [events, setEvents] = useState<WatchedEvent[]>([]);
  const [running, setRunning] = useState(false);
  const [created, setCreated] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  const seq = useRef(0);
  const cleared = useRef(0);

  const stop = (): void => {
    abort.current?.abort();
    abort.current = null;
    setRunning(false);
    setCreated(false);
  };
  useEffect(() => stop, []);

  // seq counts every event received, so the ones dropped past the bound are those before the oldest kept.
  const add = (evs: WatchedEvent[]): void => setEvents((old) => old.concat(evs).slice(-MAX_EVENTS));

  const start = (prefix: string, fromRevision: number | null): void => {
    stop();
    const ctl = new AbortController();
    abort.current = ctl;
    setRunning(true);
    setError(null);
    const create = {
      key: b64(prefix),
      range_end: bytesToB64(prefixEnd(utf8(prefix))),
      ...(fromRevision !== null ? { start_revision: String(fromRevision) } : {}),
    };
    const run = async (): Promise<void> => {
      const res = await api.open('/v3/watch', { method: 'POST', body: JSON.stringify({ create_request: create }), signal: ctl.signal });
      if (res.body === null) throw new Error('no stream body');
      await readLines(res.body, (line) => {
        if (line.trim() === '') return;
        const msg = JSON.parse(line) as WatchLine;
        if (msg.error !== undefined) throw new Error(msg.error.message ?? msg.error.error ?? line);
        const r = msg.result;
        if (r?.created === true) setCreated(true);
        if (r?.canceled === true) {
          const why = r.compact_revision !== undefined && r.compact_revision !== '0' ? `revision compacted (at ${r.compact_revision})` : (r.cancel_reason ?? 'canceled');
          throw new Error(`watch canceled: ${why}`);
        }
        const evs = (r?.events ?? []).map(
          (e): WatchedEvent => ({
            seq: ++seq.current,
            type: e.type === 'DELETE' ? 'DELETE' : 'PUT',
            key: b64ToText(e.kv?.key),
            value: b64ToText(e.kv?.value),
            modRevision: e.kv?.mod_revision ?? '0',
          }),
        );
        if (evs.length > 0) add(evs);
      });
      throw new Error('watch stream ended');
    };
    run().catch((e: unknown) => {
      if (ctl.signal.aborted) return;
      setError(errorText(e));
      setRunning(false);
      setCreated(false);
    });
  };

  const firstKept = events[0]?.seq ?? seq.current + 1;
  return {
    events,
    dropped: firstKept - 1 - cleared.current,
    running,
    created,
    error,
    start,
    stop,
    clear: () => {
      cleared.current = seq.current;
      setEvents([]);
    },
  };
}
