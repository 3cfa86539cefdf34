// Leader changes and elections as this member saw them, newest first.
import { timeText } from '../lib/format';
import type { LeaderEvent } from '../lib/types';

const KIND_TEXT: Record<LeaderEvent['kind'], string> = {
  elected: 'elected leader',
  lost: 'leader lost',
  election: 'election started',
};

export function LeaderTimeline({ events, names }: { events: LeaderEvent[]; names: Map<string, string> }) {
  if (events.length === 0) return <p class="muted">No leader changes recorded yet.</p>;
  return (
    <ol class="timeline">
      {[...events].reverse().map((e, i) => (
        <li key={`${e.at}-${i}`} data-testid="timeline-entry" class={e.kind}>
          <span class="mono">{timeText(e.at)}</span>
          <span>term {e.term}</span>
          <span>{KIND_TEXT[e.kind]}</span>
          {e.leaderId !== '0' && <strong>{names.get(e.leaderId) ?? e.leaderId}</strong>}
        </li>
      ))}
    </ol>
  );
}
