// Worker entry: converts a copy of the state database to an etcd backend file off the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { exportEtcdBackend } from './export.js';

export interface ExportRequest {
  statePath: string;
  boltPath: string;
}

export type ExportResult = { ok: true; size: number } | { ok: false; error: string };

const port = parentPort;
if (port !== null) {
  let result: ExportResult;
  try {
    const req = workerData as ExportRequest;
    result = { ok: true, size: exportEtcdBackend(req.statePath, req.boltPath).size };
  } catch (err) {
    result = { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(result);
}
