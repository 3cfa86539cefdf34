import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { CheckpointConfig, CheckpointReply, CheckpointRequest } from './checkpoint-worker.js';

const INTERVAL_MS = 500;

// The state database's checkpoints run on a thread of their own (checkpoint-worker.ts): the main
// thread commits, the checkpointer copies the WAL into the database file and fsyncs it.
export class Checkpointer {
  private readonly worker: Worker;
  private seq = 0;
  private readonly waiting = new Map<number, (index: number | undefined) => void>();

  constructor(dbPath: string, logger: Logger) {
    const cfg: CheckpointConfig = { dbPath, intervalMs: INTERVAL_MS };
    this.worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), { workerData: cfg });
    this.worker.unref();
    this.worker.on('message', (m: CheckpointReply) => {
      const resolve = this.waiting.get(m.seq);
      this.waiting.delete(m.seq);
      resolve?.(m.index);
    });
    this.worker.on('error', (err) => logger.error({ err }, 'the checkpoint thread failed'));
  }

  /**
   * The applied index the database file holds durably once everything committed so far has been
   * checkpointed; undefined when that could not be done now (readers held the WAL).
   */
  durable(): Promise<number | undefined> {
    const seq = ++this.seq;
    return new Promise((resolve) => {
      this.waiting.set(seq, resolve);
      this.worker.postMessage({ t: 'durable', seq } satisfies CheckpointRequest);
    });
  }

  async stop(): Promise<void> {
    for (const resolve of this.waiting.values()) resolve(undefined);
    this.waiting.clear();
    this.worker.postMessage({ t: 'stop' } satisfies CheckpointRequest);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => void this.worker.terminate().then(() => resolve()), 2000);
      this.worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
