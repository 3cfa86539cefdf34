// The live state of the cluster page, fed by /ui/api/stream; reconnects after a drop, reading
// /ui/api/cluster meanwhile.
import { useEffect, useState } from 'preact/hooks';
import { type Api, errorText } from './api';
import { readSse } from './sse';
import type { ClusterView, LeaderEvent, MetricsSample } from './types';

const MAX_TIMELINE = 100;
const MAX_SAMPLES = 120;
const RETRY_MS = 1500;

export interface ClusterStream {
  cluster: ClusterView | null;
  timeline: LeaderEvent[];
  samples: MetricsSample[];
  connected: boolean;
  error: string | null;
}

const empty: ClusterStream = { cluster: null, timeline: [], samples: [], connected: false, error: null };

export function useClusterStream(api: Api): ClusterStream {
  const [state, setState] = useState<ClusterStream>(empty);
  useEffect(() => {
    const abort = new AbortController();
    let timer: number | undefined;
    const connect = async (): Promise<void> => {
      try {
        const res = await api.open('/ui/api/stream', { signal: abort.signal });
        if (res.body === null) throw new Error('no stream body');
        setState((s) => ({ ...s, connected: true, error: null, timeline: [] }));
        await readSse(res.body, (m) => {
          if (m.event === 'cluster') {
            const cluster = JSON.parse(m.data) as ClusterView;
            setState((s) => ({ ...s, cluster }));
          } else if (m.event === 'leader') {
            const ev = JSON.parse(m.data) as LeaderEvent;
            setState((s) => ({ ...s, timeline: [...s.timeline, ev].slice(-MAX_TIMELINE) }));
          } else if (m.event === 'metrics') {
            const sample = JSON.parse(m.data) as MetricsSample;
            setState((s) => ({ ...s, samples: [...s.samples, sample].slice(-MAX_SAMPLES) }));
          }
        });
        if (!abort.signal.aborted) setState((s) => ({ ...s, connected: false, error: 'stream ended; reconnecting' }));
      } catch (e) {
        if (abort.signal.aborted) return;
        setState((s) => ({ ...s, connected: false, error: errorText(e) }));
        // Without the stream (e.g. 429: too many open on this member) the table still refreshes at each retry.
        await api
          .get<ClusterView>('/ui/api/cluster', abort.signal)
          .then((cluster) => setState((s) => ({ ...s, cluster })))
          .catch(() => undefined);
      }
      if (!abort.signal.aborted) timer = window.setTimeout(() => void connect(), RETRY_MS);
    };
    void connect();
    return () => {
      abort.abort();
      window.clearTimeout(timer);
    };
  }, [api]);
  return state;
}
