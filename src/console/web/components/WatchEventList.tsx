// Watch events, newest first (the latest 500 of those the filters let through).
import type { WatchedEvent } from '../lib/use-watch';

const SHOW = 500;

export function WatchEventList({ events }: { events: WatchedEvent[] }) {
  if (events.length === 0) return <p class="muted">No events yet.</p>;
  return (
    <table class="events">
      <thead>
        <tr>
          <th>Revision</th>
          <th>Type</th>
          <th>Key</th>
          <th>Value</th>
        </tr>
      </thead>
      <tbody>
        {events
          .slice(-SHOW)
          .reverse()
          .map((e) => (
            <tr key={e.seq} data-testid="watch-event" data-type={e.type} class={e.type === 'DELETE' ? 'deleted' : ''}>
              <td>{e.modRevision}</td>
              <td>
                <span class={`pill ${e.type.toLowerCase()}`}>{e.type}</span>
              </td>
              <td class="mono">{e.key}</td>
              <td class="mono">{e.value}</td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}
