// Key browser: the prefix tree on the left, the chosen key (value, history) or the put form on the right.
import { useState } from 'preact/hooks';
import { type Ctx, mayWriteSomething } from '../lib/ctx';
import { KeyDetail } from './KeyDetail';
import { PrefixTree } from './PrefixTree';
import { PutForm } from './PutForm';

export function KeysPage({ ctx }: { ctx: Ctx }) {
  const [selected, setSelected] = useState<string | null>(null);
  const [lookup, setLookup] = useState('');
  // Where the tree starts: '' (every key), or a prefix for a user who may read only under it.
  const [root, setRoot] = useState('');
  // Bumped to reload the tree and the key; after a write, they wait for its revision on this member.
  const [tick, setTick] = useState(0);
  const [minRevision, setMinRevision] = useState(0);
  const changed = (revision = 0): void => {
    setMinRevision((r) => Math.max(r, revision));
    setTick((t) => t + 1);
  };
  return (
    <section class="page keys">
      <aside class="tree-pane">
        <form
          class="lookup"
          onSubmit={(e) => {
            e.preventDefault();
            if (lookup.endsWith('/')) setRoot(lookup);
            else if (lookup !== '') setSelected(lookup);
          }}
        >
          <input placeholder="key, or prefix/ to browse" value={lookup} onInput={(e) => setLookup(e.currentTarget.value)} data-testid="key-lookup" />
          <button type="submit">Open</button>
          <button type="button" title="Reload the tree and the key" onClick={() => changed()} data-testid="keys-reload">
            Reload
          </button>
        </form>
        <PrefixTree ctx={ctx} root={root} selected={selected} onSelect={setSelected} tick={tick} minRevision={minRevision} />
      </aside>
      <div class="detail-pane">
        {selected !== null && <KeyDetail ctx={ctx} keyName={selected} tick={tick} minRevision={minRevision} onChanged={changed} />}
        {selected === null && <p class="muted">Choose a key in the tree.</p>}
        {mayWriteSomething(ctx) && (
          <PutForm
            key={selected ?? ''}
            ctx={ctx}
            initialKey={selected ?? ''}
            onDone={(key, revision) => {
              setSelected(key);
              changed(revision);
            }}
          />
        )}
      </div>
    </section>
  );
}
