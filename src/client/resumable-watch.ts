// A watch that survives member failures, as etcd's client watches do: when its
// stream breaks it is created again on the next endpoint from the revision
// after the last one delivered, so no event is lost or repeated. It ends only
// when cancelled, or when the server cancels it (e.g. a compacted revision).
import type * as rpc from '../gen/etcdserverpb.js';
import type { EtcdClient } from './etcd-client.js';
import type { KeyLike } from './key-range.js';
import type { Watch, WatchOptions } from './watch.js';

const RETRY_MS = 250;

export class ResumableWatch {
  private current: Watch | undefined;
  private stopped = false;
  /** The first revision not yet delivered (0 = from now, before the first creation). */
  private next: number;
  readonly done: Promise<void>;

  constructor(
    private readonly client: EtcdClient,
    private readonly key: KeyLike,
    private readonly opts: WatchOptions,
    private readonly listener: (r: rpc.WatchResponse) => void,
  ) {
    this.next = opts.startRevision ?? 0;
    this.done = this.run();
  }

  cancel(): void {
    this.stopped = true;
    this.current?.cancel();
  }

  /** Asks the server for a progress notification on the current stream. */
  requestProgress(): void {
    this.current?.requestProgress();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let canceledByServer = false;
      const w = this.client.watch(this.key, { ...this.opts, startRevision: this.next }, (r) => {
        if (r.canceled) canceledByServer = true;
        this.advance(r);
        this.listener(r);
      });
      this.current = w;
      w.created.then((r) => this.advance(r)).catch(() => undefined);
      try {
        await w.done;
        if (canceledByServer || this.stopped) return;
      } catch {
        if (this.stopped) return;
      }
      // The stream broke: move on and resume where the delivered events end.
      this.client.rotate();
      await new Promise((res) => setTimeout(res, RETRY_MS));
    }
  }

  private advance(r: rpc.WatchResponse): void {
    const last = r.events[r.events.length - 1];
    const ackRevision = (r.header?.revision ?? 0) + 1;
    if (last?.kv !== undefined) this.next = Math.max(this.next, last.kv.mod_revision + 1);
    else if (r.canceled || r.events.length > 0) return;
    // A creation ack from "now" covers everything up to its revision; so does a
    // progress notification, which the server sends only to synced watchers.
    else if (!r.created || this.next === 0) this.next = Math.max(this.next, ackRevision);
  }
}
