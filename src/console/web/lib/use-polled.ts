// A /ui/api read refreshed every few seconds while the view is open (leases, locks).
import { useEffect, useState } from 'preact/hooks';
import { type Api, errorText } from './api';

export function usePolled<T>(api: Api, path: string, everyMs: number): { data: T | null; error: string | null } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const load = async (): Promise<void> => {
      try {
        const d = await api.get<T>(path);
        if (stopped) return;
        setData(d);
        setError(null);
      } catch (e) {
        if (!stopped) setError(errorText(e));
      }
      if (!stopped) timer = window.setTimeout(() => void load(), everyMs);
    };
    void load();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [api, path, everyMs]);
  return { data, error };
}
