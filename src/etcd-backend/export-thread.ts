import { Worker } from 'node:worker_threads';
import type { ExportRequest, ExportResult } from './export-worker.js';

/** exportEtcdBackend on a short-lived worker thread: a large store takes seconds to convert. */
export function exportEtcdBackendOffThread(statePath: string, boltPath: string): Promise<{ size: number }> {
  const req: ExportRequest = { statePath, boltPath };
  const worker = new Worker(new URL('./export-worker.js', import.meta.url), { workerData: req });
  return new Promise((resolve, reject) => {
    let result: ExportResult | undefined;
    worker.once('message', (r: ExportResult) => (result = r));
    worker.once('error', (err) => (result = { ok: false, error: err.message }));
    worker.once('exit', () => {
      if (result?.ok === true) resolve({ size: result.size });
      else reject(new Error(`writing the etcd snapshot failed: ${result?.error ?? 'the converter exited without a result'}`));
    });
  });
}
