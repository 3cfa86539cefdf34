import { Worker } from 'node:worker_threads';
import type { ConfState } from '../raft/index.js';
import type { CopyRequest, CopyResult } from './state-copy-worker.js';

export interface StateCopy {
  /** The applied index (and its term) the copy is at. */
  index: number;
  term: number;
  confState: ConfState;
}

/**
 * Writes a consistent copy of the state database at `dbPath` to `outPath` on a worker thread, so
 * neither consensus nor the state machine waits for it.
 */
export function copyStateDb(dbPath: string, outPath: string): Promise<StateCopy> {
  const req: CopyRequest = { dbPath, outPath };
  const worker = new Worker(new URL('./state-copy-worker.js', import.meta.url), { workerData: req });
  return new Promise<StateCopy>((resolve, reject) => {
    let result: CopyResult | undefined;
    worker.once('message', (r: CopyResult) => (result = r));
    worker.once('error', (err) => (result = { ok: false, error: err.message }));
    worker.once('exit', () => {
      if (result?.ok === true) resolve({ index: result.index, term: result.term, confState: result.confState });
      else reject(new Error(`copying the state database failed: ${result?.error ?? 'the copier exited without a result'}`));
    });
  });
}
