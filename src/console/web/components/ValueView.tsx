// A value as text, pretty-printed JSON or a hex dump; JSON first when it parses, hex when it is not UTF-8.
import { useState } from 'preact/hooks';
import { b64ToBytes, hexDump, isUtf8 } from '../lib/bytes';

type Mode = 'text' | 'json' | 'hex';

function asJson(text: string): string | null {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return null;
  }
}

export function ValueView({ value }: { value: string }) {
  const bytes = b64ToBytes(value);
  const utf8 = isUtf8(bytes);
  const text = utf8 ? new TextDecoder().decode(bytes) : '';
  const json = utf8 ? asJson(text) : null;
  const [mode, setMode] = useState<Mode | null>(null);
  const shown: Mode = mode ?? (json !== null ? 'json' : utf8 ? 'text' : 'hex');
  const body = shown === 'json' ? (json ?? 'not JSON') : shown === 'text' ? (utf8 ? text : new TextDecoder().decode(bytes)) : hexDump(bytes);
  return (
    <div class="value">
      <div class="tabs">
        {(['text', 'json', 'hex'] as const).map((m) => (
          <button key={m} type="button" class={m === shown ? 'active' : ''} disabled={m === 'json' && json === null} onClick={() => setMode(m)}>
            {m}
          </button>
        ))}
        <span class="muted small">{bytes.length} bytes</span>
      </div>
      <pre data-testid="key-value" data-mode={shown}>
        {body}
      </pre>
    </div>
  );
}
