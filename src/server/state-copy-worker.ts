// Worker entry: copies the state database into a file on a connection of its own (a WAL reader, so
// the state machine keeps applying meanwhile) and reports the Raft metadata the copy is at. Runs on
// a short-lived thread because the copy of a large store takes seconds.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { MemberStore } from '../cluster/member-store.js';
import type { ConfState } from '../raft/index.js';
import { readApplyState } from './apply-state.js';

export interface CopyRequest {
  dbPath: string;
  outPath: string;
}

export type CopyResult = { ok: true; index: number; term: number; confState: ConfState } | { ok: false; error: string };

function copy(req: CopyRequest): CopyResult {
  const src = new Database(req.dbPath, { fileMustExist: true });
  try {
    src.pragma('busy_timeout = 10000');
    src.prepare('VACUUM INTO ?').run(req.outPath);
  } finally {
    src.close();
  }
  const out = new Database(req.outPath, { fileMustExist: true });
  try {
    const { index, term } = readApplyState(out);
    return { ok: true, index, term, confState: new MemberStore(out).confState() };
  } finally {
    out.close();
  }
}

const port = parentPort;
if (port !== null) {
  let result: CopyResult;
  try {
    result = copy(workerData as CopyRequest);
  } catch (err) {
    result = { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(result);
}
