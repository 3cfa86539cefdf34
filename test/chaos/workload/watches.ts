// Watch observers: several watchers over the run's whole key prefix, each
// bound to a member (moving on when its stream breaks), resuming at the last
// delivered revision + 1. Every stream is one segment of its logical
// watcher. A segment's endRevision is the highest event revision it
// delivered: that it delivered everything up to there is exactly what the
// checker verifies (a header revision could run ahead of pending events).
import { EtcdClient, type Watch } from '../../../src/client/index.js';
import type * as rpc from '../../../src/gen/etcdserverpb.js';
import { Event_EventType, type Event } from '../../../src/gen/mvccpb.js';
import type { WatchEvent, WatchObservation } from '../history.js';
import type { WorkloadContext } from './types.js';
import { sleep } from '../clock.js';

export interface WatchOptions {
  watchers: number;
  /** First revision of interest (the run's first write comes after it). */
  startRevision: number;
}

export class WatchWorkload {
  private readonly watchers: Watcher[];
  private loops: Promise<void>[] = [];

  constructor(ctx: WorkloadContext, o: WatchOptions) {
    this.watchers = Array.from({ length: o.watchers }, (_, i) => new Watcher(ctx, `w${i + 1}`, i, o.startRevision, i % 2 === 1));
  }

  start(): void {
    this.loops = this.watchers.map((w) => w.run());
  }

  /**
   * Waits until every watcher has delivered `revision` (a write the runner
   * made after the load stopped), moving stalled ones to another member, then
   * closes every stream. Returns the watchers that never got there.
   */
  async finish(revision: number, timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    const behind = await Promise.all(this.watchers.map((w) => w.catchUp(revision, deadline)));
    for (const w of this.watchers) w.stop();
    await Promise.all(this.loops);
    return this.watchers.filter((_, i) => behind[i] === false).map((w) => w.id);
  }

  /** Stops without waiting for anything (after a failure). */
  async abort(): Promise<void> {
    for (const w of this.watchers) w.stop();
    await Promise.all(this.loops);
  }
}

class Watcher {
  private last: number;
  private home: number;
  private segments = 0;
  private stopped = false;
  private watch: Watch | undefined;
  private client: EtcdClient | undefined;
  private progress: (() => void) | undefined;

  constructor(
    private readonly ctx: WorkloadContext,
    readonly id: string,
    home: number,
    startRevision: number,
    private readonly prevKv: boolean,
  ) {
    this.home = home;
    this.last = startRevision - 1;
  }

  async run(): Promise<void> {
    while (!this.stopped) {
      const endpoint = this.ctx.endpoints[this.home % this.ctx.endpoints.length] as string;
      const seg: WatchObservation = {
        watcher: this.id,
        segment: this.segments++,
        key: this.ctx.prefix,
        prefix: true,
        startRevision: String(this.last + 1),
        endRevision: String(this.last),
        events: [],
      };
      this.ctx.recorder.watches.push(seg);
      const client = new EtcdClient([endpoint]);
      this.client = client;
      let failed = false;
      try {
        const w = client.watch(this.ctx.prefix, { prefix: true, startRevision: this.last + 1, prevKv: this.prevKv }, (r) => this.onResponse(seg, r));
        this.watch = w;
        await w.done;
      } catch {
        failed = true;
      } finally {
        this.watch = undefined;
        client.close();
      }
      // A broken stream (member killed, removed, refused): try the next member.
      if (failed) this.home++;
      if (!this.stopped) await sleep(failed ? 300 : 50);
    }
  }

  /** True once `revision` is delivered; a watcher stalled for a while is moved to another member. */
  async catchUp(revision: number, deadline: number): Promise<boolean> {
    const perTry = 6000;
    while (this.last < revision) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      const got = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          this.progress = undefined;
          resolve(false);
        }, Math.min(perTry, left));
        this.progress = () => {
          if (this.last >= revision) {
            clearTimeout(timer);
            this.progress = undefined;
            resolve(true);
          }
        };
        this.progress();
      });
      if (!got && this.last < revision) {
        this.home++;
        this.watch?.cancel();
      }
    }
    return true;
  }

  stop(): void {
    this.stopped = true;
    this.watch?.cancel();
    this.client?.close();
  }

  private onResponse(seg: WatchObservation, r: rpc.WatchResponse): void {
    if (r.canceled) return; // the stream ends; run() resumes elsewhere
    for (const e of r.events) {
      const ev = toEvent(e, this.prevKv);
      seg.events.push(ev);
      const rev = Number(ev.revision);
      if (rev > this.last) this.last = rev;
      if (rev > Number(seg.endRevision)) seg.endRevision = ev.revision;
    }
    this.progress?.();
  }
}

function toEvent(e: Event, prevKv: boolean): WatchEvent {
  const kv = e.kv;
  const put = e.type === Event_EventType.PUT;
  const ev: WatchEvent = {
    revision: String(kv?.mod_revision ?? 0),
    key: kv?.key.toString() ?? '',
    type: put ? 'put' : 'delete',
  };
  if (put && kv !== undefined) {
    ev.value = kv.value.toString();
    ev.createRevision = String(kv.create_revision);
    ev.version = String(kv.version);
  }
  if (prevKv) ev.prevValue = e.prev_kv === undefined ? null : e.prev_kv.value.toString();
  return ev;
}
