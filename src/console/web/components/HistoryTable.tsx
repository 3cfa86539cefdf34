// A key's versions, newest first, back to the compaction point (/ui/api/history).
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../lib/api';
import { b64ToText } from '../lib/bytes';
import type { Ctx } from '../lib/ctx';
import { leaseText } from '../lib/format';
import type { HistoryView } from '../lib/types';
import { ErrorBox } from './ErrorBox';

const PREVIEW = 80;

/** `readAt`: the revision the key was read at (a change reloads the history); `tick`: a reload. */
export function HistoryTable({ ctx, keyName, readAt, tick }: { ctx: Ctx; keyName: string; readAt: number; tick: number }) {
  const [history, setHistory] = useState<HistoryView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setError(null);
    ctx.api
      .get<HistoryView>(`/ui/api/history?key=${encodeURIComponent(keyName)}`)
      .then(setHistory)
      .catch((e: unknown) => setError(errorText(e)));
  }, [ctx.api, keyName, readAt, tick]);
  return (
    <section class="history">
      <h3>History {history !== null && <span class="muted small">back to compaction at revision {history.compactRevision}</span>}</h3>
      <ErrorBox error={error} />
      {history !== null && (
        <table>
          <thead>
            <tr>
              <th>Mod rev</th>
              <th>Create rev</th>
              <th>Version</th>
              <th>Lease</th>
              <th>Value</th>
            </tr>
          </thead>
          <tbody>
            {history.versions.map((v) => {
              const text = b64ToText(v.value);
              return (
                <tr key={v.modRevision} data-testid="history-row" class={v.deleted ? 'deleted' : ''}>
                  <td>{v.modRevision}</td>
                  <td>{v.deleted ? '' : v.createRevision}</td>
                  <td>{v.deleted ? '' : v.version}</td>
                  <td class="mono">{v.deleted || v.lease === '0' || v.lease === '' ? '' : leaseText(v.lease)}</td>
                  <td class="mono">{v.deleted ? <em>deleted</em> : text.length > PREVIEW ? `${text.slice(0, PREVIEW)}…` : text}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
