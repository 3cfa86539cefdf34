// One key: its value, revisions, version and lease (read through the gateway), its history, and delete.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../lib/api';
import { b64 } from '../lib/bytes';
import { type Ctx, mayWrite } from '../lib/ctx';
import type { GatewayKv } from '../lib/types';
import { Confirm } from './Confirm';
import { ErrorBox } from './ErrorBox';
import { HistoryTable } from './HistoryTable';
import { ValueView } from './ValueView';

interface Props {
  ctx: Ctx;
  keyName: string;
  tick: number;
  onChanged: () => void;
}

export function KeyDetail({ ctx, keyName, tick, onChanged }: Props) {
  const [kv, setKv] = useState<GatewayKv | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);

  useEffect(() => {
    setKv(undefined);
    setError(null);
    ctx.api
      .gateway<{ kvs?: GatewayKv[] }>('/v3/kv/range', { key: b64(keyName), serializable: true })
      .then((r) => setKv(r.kvs?.[0] ?? null))
      .catch((e: unknown) => setError(errorText(e)));
  }, [ctx.api, keyName, tick]);

  const remove = async (): Promise<void> => {
    setConfirming(false);
    try {
      await ctx.api.gateway('/v3/kv/deleterange', { key: b64(keyName) });
      onChanged();
    } catch (e) {
      setError(errorText(e));
    }
  };

  const lease = kv?.lease !== undefined && kv.lease !== '0' ? BigInt(kv.lease).toString(16) : null;
  return (
    <article class="key-detail">
      <header>
        <h2 class="mono" data-testid="key-name">
          {keyName}
        </h2>
        {kv != null && mayWrite(ctx, keyName) && (
          <button type="button" class="danger" data-testid="delete-button" onClick={() => setConfirming(true)}>
            Delete
          </button>
        )}
      </header>
      {confirming && <Confirm text={`Delete key ${keyName}?`} action="Delete" onConfirm={() => void remove()} onCancel={() => setConfirming(false)} />}
      <ErrorBox error={error} />
      {kv === null && <p class="muted">No such key (now).</p>}
      {kv != null && (
        <>
          <dl class="facts">
            <dt>Create revision</dt>
            <dd data-testid="create-revision">{kv.create_revision ?? '0'}</dd>
            <dt>Mod revision</dt>
            <dd data-testid="mod-revision">{kv.mod_revision ?? '0'}</dd>
            <dt>Version</dt>
            <dd data-testid="version">{kv.version ?? '0'}</dd>
            <dt>Lease</dt>
            <dd class="mono">{lease ?? 'none'}</dd>
          </dl>
          <ValueView value={kv.value ?? ''} />
        </>
      )}
      <HistoryTable ctx={ctx} keyName={keyName} tick={tick} />
    </article>
  );
}
