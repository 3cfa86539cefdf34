import type { MvccEvent } from '../mvcc/types.js';
import type { EventSink } from './apply-host.js';

// Hands applied events to the watch hub on the next turn of the event loop instead of inside the
// apply. The proposers of a batch are settled in the apply, but their clients are answered only
// after it returns; publishing first would make every writer wait for its batch to be encoded and
// written to every watcher (the whole fan-out), and a client that writes one key after another
// pays that on each write. Batches reach the hub in apply order, and a resync waits for the
// batches before it. Nothing answers between the apply and the publish but what the apply
// settled: both run before this member reads its sockets again.
export class DeferredEvents implements EventSink {
  private readonly queue: { events: MvccEvent[]; revision: number }[] = [];
  private scheduled = false;

  constructor(private readonly hub: EventSink) {}

  publish(events: MvccEvent[], revision: number): void {
    this.queue.push({ events, revision });
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  resync(): void {
    this.flush();
    this.hub.resync();
  }

  private flush(): void {
    this.scheduled = false;
    for (let b = this.queue.shift(); b !== undefined; b = this.queue.shift()) this.hub.publish(b.events, b.revision);
  }
}
