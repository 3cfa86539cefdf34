// One incoming snapshot, written to its file chunk by chunk as it arrives. Writes are queued and
// the caller pauses the call while any are pending, so memory holds at most a chunk or two.
import { open, rm, type FileHandle } from 'node:fs/promises';

const HIGH_WATER = 2;

export type FinishResult = { ok: true; bytes: number } | { ok: false; error: string };

export class SnapshotReceiver {
  received = 0;
  private total = -1;
  private fh: Promise<FileHandle> | undefined;
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;
  private failure: Error | undefined;

  constructor(readonly path: string) {}

  expect(total: number): void {
    this.total = total;
  }

  /** Queues a chunk; an error string when it breaks the announced size. */
  accept(data: Uint8Array): string | undefined {
    this.received += data.length;
    if (this.total < 0 || this.received > this.total) return `raftkv: snapshot larger than announced ${this.total} bytes`;
    const file = (this.fh ??= open(this.path, 'w', 0o600));
    const offset = this.received - data.length;
    this.pending++;
    this.tail = this.tail
      .then(async () => {
        if (this.failure !== undefined) return;
        await (await file).write(data, 0, data.length, offset);
      })
      .catch((err: unknown) => {
        this.failure = err instanceof Error ? err : new Error(String(err));
      })
      .finally(() => this.pending--);
    return undefined;
  }

  busy(): boolean {
    return this.pending >= HIGH_WATER;
  }

  /** Resolves once every queued write is done. */
  async drained(): Promise<void> {
    await this.tail;
  }

  /** Waits for the writes, fsyncs and closes the file; complete only when every byte arrived. */
  async finish(): Promise<FinishResult> {
    await this.tail;
    if (this.failure !== undefined) throw this.failure;
    if (this.total < 0) return { ok: false, error: 'raftkv: snapshot call carried no MsgSnap' };
    if (this.received !== this.total) {
      await this.discard();
      return { ok: false, error: `raftkv: snapshot truncated at ${this.received} of ${this.total} bytes` };
    }
    const file = await (this.fh ??= open(this.path, 'w', 0o600));
    await file.sync();
    await file.close();
    this.fh = undefined;
    return { ok: true, bytes: this.received };
  }

  /** Drops the partial file. */
  async discard(): Promise<void> {
    await this.tail;
    const fh = this.fh;
    this.fh = undefined;
    if (fh !== undefined) await (await fh).close().catch(() => undefined);
    await rm(this.path, { force: true });
  }
}
