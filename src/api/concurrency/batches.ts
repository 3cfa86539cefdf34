import { ERR, type EtcdError } from '../errors.js';
import type { WatchBatch, WatchFeed } from './session-client.js';

/**
 * A feed's batches until it ends or `signal` aborts; `end.error` then says why. The feed is
 * cancelled when the loop over it stops, however it stops.
 */
export async function* batches(
  feed: WatchFeed,
  signal: AbortSignal,
  end: { error?: EtcdError } = {},
): AsyncGenerator<WatchBatch, void, undefined> {
  const stop = (): void => feed.cancel();
  signal.addEventListener('abort', stop);
  try {
    for (;;) {
      if (signal.aborted) {
        end.error = ERR.canceled;
        return;
      }
      const n = await feed.next();
      if (!n.ok) {
        end.error = signal.aborted ? ERR.canceled : n.error;
        return;
      }
      yield n.value;
    }
  } finally {
    signal.removeEventListener('abort', stop);
    feed.cancel();
  }
}
