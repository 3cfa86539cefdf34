// Keys as a prefix tree split at '/', each level loaded from /ui/api/tree when opened, with key counts.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, errorText } from '../lib/api';
import type { Ctx } from '../lib/ctx';
import { readAtLeast } from '../lib/read-at-least';
import type { TreeChild, TreeView } from '../lib/types';
import { ErrorBox } from './ErrorBox';

interface LevelProps {
  ctx: Ctx;
  prefix: string;
  selected: string | null;
  onSelect: (key: string) => void;
  tick: number;
  minRevision: number;
}

export function PrefixTree({ root, ...props }: Omit<LevelProps, 'prefix'> & { root: string }) {
  return (
    <div class="tree">
      {root !== '' && <p class="muted small mono">{root}</p>}
      <TreeLevel {...props} prefix={root} />
    </div>
  );
}

function treeError(e: unknown): string {
  const msg = errorText(e);
  return e instanceof ApiError && e.status === 403 ? `${msg} (type a prefix you may read, ending in '/', above)` : msg;
}

function TreeLevel({ ctx, prefix, selected, onSelect, tick, minRevision }: LevelProps) {
  const [view, setView] = useState<TreeView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    readAtLeast(() => ctx.api.get<TreeView>(`/ui/api/tree?prefix=${encodeURIComponent(prefix)}`), (v) => v.revision, minRevision)
      .then((v) => {
        setView(v);
        setError(null);
      })
      .catch((e: unknown) => setError(treeError(e)));
  }, [ctx.api, prefix, tick, minRevision]);
  if (error !== null) return <ErrorBox error={error} />;
  if (view === null) return <p class="muted small">loading…</p>;
  if (view.children.length === 0) return <p class="muted">No keys.</p>;
  return (
    <ul>
      {view.children.map((c) => (
        <TreeRow key={c.prefix} child={c} ctx={ctx} selected={selected} onSelect={onSelect} tick={tick} minRevision={minRevision} />
      ))}
      {view.truncated && <li class="muted small">… more keys than the console lists</li>}
    </ul>
  );
}

function TreeRow({ child, ...rest }: Omit<LevelProps, 'prefix'> & { child: TreeChild }) {
  const [open, setOpen] = useState(false);
  const isDir = child.name.endsWith('/') && child.count > (child.isKey ? 1 : 0);
  const label = (
    <span class="name" title={child.prefix}>
      {child.name}
    </span>
  );
  return (
    <li>
      <div class={`tree-node ${rest.selected === child.prefix ? 'selected' : ''}`} data-testid="tree-node" data-prefix={child.prefix} data-key={child.isKey ? 'true' : 'false'}>
        {isDir ? (
          <button type="button" class="toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span class="toggle" />
        )}
        {child.isKey ? (
          <button type="button" class="link" onClick={() => rest.onSelect(child.prefix)}>
            {label}
          </button>
        ) : (
          <button type="button" class="link dir" onClick={() => setOpen(!open)}>
            {label}
          </button>
        )}
        {isDir && <span class="count">{child.count}</span>}
      </div>
      {open && isDir && <TreeLevel {...rest} prefix={child.prefix} />}
    </li>
  );
}
