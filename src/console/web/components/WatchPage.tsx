// Live watch: tail a prefix from now or from a past revision. Pause freezes the list while events keep
// arriving into the buffer; the filters only choose what is shown.
import { useState } from 'preact/hooks';
import type { Ctx } from '../lib/ctx';
import { useWatch } from '../lib/use-watch';
import { ErrorBox } from './ErrorBox';
import { WatchEventList } from './WatchEventList';

type TypeFilter = 'all' | 'PUT' | 'DELETE';

export function WatchPage({ ctx }: { ctx: Ctx }) {
  const watch = useWatch(ctx.api);
  const [prefix, setPrefix] = useState('');
  const [fromRev, setFromRev] = useState('');
  const [pausedAt, setPausedAt] = useState<number | null>(null);
  const [type, setType] = useState<TypeFilter>('all');
  const [text, setText] = useState('');

  const visible = pausedAt === null ? watch.events : watch.events.filter((e) => e.seq <= pausedAt);
  const waiting = watch.events.length - visible.length;
  const shown = visible.filter((e) => (type === 'all' || e.type === type) && (text === '' || e.key.includes(text) || e.value.includes(text)));
  const lastSeq = watch.events[watch.events.length - 1]?.seq ?? 0;

  return (
    <section class="page watch">
      <form
        class="watch-controls"
        onSubmit={(e) => {
          e.preventDefault();
          const rev = fromRev.trim() === '' ? null : Number(fromRev);
          watch.clear();
          setPausedAt(null);
          watch.start(prefix, rev !== null && Number.isFinite(rev) && rev > 0 ? rev : null);
        }}
      >
        <input placeholder="prefix (empty: every key)" value={prefix} onInput={(e) => setPrefix(e.currentTarget.value)} data-testid="watch-prefix" />
        <input placeholder="from revision (empty: now)" inputMode="numeric" value={fromRev} onInput={(e) => setFromRev(e.currentTarget.value)} data-testid="watch-revision" />
        <button type="submit" data-testid="watch-start">
          {watch.running ? 'Restart' : 'Start'}
        </button>
        <button type="button" disabled={!watch.running} onClick={watch.stop}>
          Stop
        </button>
        <button type="button" data-testid="watch-pause" onClick={() => setPausedAt(pausedAt === null ? lastSeq : null)}>
          {pausedAt === null ? 'Pause' : `Resume (${waiting} new)`}
        </button>
      </form>
      <div class="watch-filters">
        <select value={type} onChange={(e) => setType(e.currentTarget.value as TypeFilter)} data-testid="watch-type">
          <option value="all">PUT and DELETE</option>
          <option value="PUT">PUT only</option>
          <option value="DELETE">DELETE only</option>
        </select>
        <input placeholder="filter key or value" value={text} onInput={(e) => setText(e.currentTarget.value)} data-testid="watch-filter" />
        <span class="muted small" data-testid="watch-status">
          {watch.created ? 'watching' : watch.running ? 'connecting' : 'stopped'} · {watch.events.length} received · {shown.length} shown
          {watch.dropped > 0 && ` · ${watch.dropped} oldest dropped`}
        </span>
      </div>
      <ErrorBox error={watch.error} />
      <WatchEventList events={shown} />
    </section>
  );
}
