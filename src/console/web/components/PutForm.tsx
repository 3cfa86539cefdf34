// Put a key (new or new value) through the gateway, behind a confirmation; only keys the user may write.
// The parent remounts it (key=) when another key is chosen, so it starts from that key.
import { useState } from 'preact/hooks';
import { errorText } from '../lib/api';
import { b64 } from '../lib/bytes';
import { type Ctx, mayWrite } from '../lib/ctx';
import { headerRevision } from '../lib/read-at-least';
import { Confirm } from './Confirm';
import { ErrorBox } from './ErrorBox';

export function PutForm({ ctx, initialKey, onDone }: { ctx: Ctx; initialKey: string; onDone: (key: string, revision: number) => void }) {
  const [key, setKey] = useState(initialKey);
  const [value, setValue] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const allowed = key !== '' && mayWrite(ctx, key);
  const put = async (): Promise<void> => {
    setConfirming(false);
    setError(null);
    try {
      const r = await ctx.api.gateway<{ header?: { revision?: string } }>('/v3/kv/put', { key: b64(key), value: b64(value) });
      onDone(key, headerRevision(r));
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <form
      class="put-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (allowed) setConfirming(true);
      }}
    >
      <h3>Put</h3>
      <input placeholder="key" value={key} onInput={(e) => setKey(e.currentTarget.value)} data-testid="put-key" />
      <textarea placeholder="value" rows={3} value={value} onInput={(e) => setValue(e.currentTarget.value)} data-testid="put-value" />
      <button type="submit" data-testid="put-button" disabled={!allowed}>
        Put
      </button>
      {key !== '' && !allowed && <span class="muted small"> you may not write this key</span>}
      {confirming && <Confirm text={`Put ${key} = ${value.length > 40 ? `${value.slice(0, 40)}…` : value}?`} action="Put" onConfirm={() => void put()} onCancel={() => setConfirming(false)} />}
      <ErrorBox error={error} />
    </form>
  );
}
