// One key: its value, revisions, version and lease (read through the gateway), its history, and delete.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../lib/api';
import { b64 } from '../lib/bytes';
import { type Ctx, mayWrite } from '../lib/ctx';
import { leaseText } from '../lib/format';
import type { GatewayKv } from '../lib/types';
import { headerRevision, readAtLeast } from '../lib/read-at-least';
import { Confirm } from './Confirm';
import { ErrorBox } from './ErrorBox';
import { HistoryTable } from './HistoryTable';
import { ValueView } from './ValueView';

interface Props {
  ctx: Ctx;
  keyName: string;
  tick: number;
  minRevision: number;
  onChanged: (revision: number) => void;
}

interface RangeAnswer {
  header?: { revision?: string };
  kvs?: GatewayKv[];
}

export function KeyDetail({ ctx, keyName, tick, minRevision, onChanged }: Props) {
  const [kv, setKv] = useState<GatewayKv | null | undefined>(undefined);
  // The member's revision when the key was read: the history is read after it, so it is as new.
  const [readAt, setReadAt] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);

  useEffect(() => {
    setKv(undefined);
    setError(null);
    const read = (): Promise<RangeAnswer> => ctx.api.gateway<RangeAnswer>('/v3/kv/range', { key: b64(keyName), serializable: true });
    readAtLeast(read, headerRevision, minRevision)
      .then((r) => {
        setKv(r.kvs?.[0] ?? null);
        setReadAt(headerRevision(r));
      })
      .catch((e: unknown) => setError(errorText(e)));
  }, [ctx.api, keyName, tick, minRevision]);

  const remove = async (): Promise<void> => {
    setConfirming(false);
    try {
      const r = await ctx.api.gateway<{ header?: { revision?: string } }>('/v3/kv/deleterange', { key: b64(keyName) });
      onChanged(headerRevision(r));
    } catch (e) {
      setError(errorText(e));
    }
  };

  const lease = kv?.lease !== undefined && kv.lease !== '0' ? leaseText(BigInt(kv.lease).toString(16)) : null;
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
      {kv !== undefined && <HistoryTable ctx={ctx} keyName={keyName} readAt={readAt} tick={tick} />}
    </article>
  );
}
