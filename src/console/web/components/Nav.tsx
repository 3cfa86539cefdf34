// The header: member name, the views (hash links, so a view can be bookmarked), the user and read-only badge.
import type { ConsoleConfig } from '../lib/types';

export type View = 'cluster' | 'keys' | 'watch' | 'leases' | 'locks';

const VIEWS: { view: View; label: string }[] = [
  { view: 'cluster', label: 'Cluster' },
  { view: 'keys', label: 'Keys' },
  { view: 'watch', label: 'Watch' },
  { view: 'leases', label: 'Leases' },
  { view: 'locks', label: 'Locks' },
];

export function viewFromHash(hash: string): View {
  const v = hash.replace(/^#\/?/, '');
  return VIEWS.find((x) => x.view === v)?.view ?? 'cluster';
}

interface Props {
  view: View;
  config: ConsoleConfig;
  user: string | null;
  onLogout: (() => void) | null;
}

export function Nav({ view, config, user, onLogout }: Props) {
  return (
    <header class="nav">
      <span class="brand">
        raftkv <span class="muted">{config.name}</span>
      </span>
      <nav>
        {VIEWS.map((v) => (
          <a key={v.view} href={`#${v.view}`} class={v.view === view ? 'active' : ''} data-testid={`nav-${v.view}`}>
            {v.label}
          </a>
        ))}
      </nav>
      <span class="who">
        {config.readOnly && (
          <span class="badge" data-testid="read-only-badge">
            read-only
          </span>
        )}
        {user !== null && <span class="muted">{user}</span>}
        {onLogout !== null && (
          <button type="button" class="link" onClick={onLogout}>
            Log out
          </button>
        )}
      </span>
    </header>
  );
}
