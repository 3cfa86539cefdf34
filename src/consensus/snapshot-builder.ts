// Worker entry: copies the state database into a snapshot file on a connection of its own (a WAL
// reader, so the state machine keeps applying meanwhile) and reports the Raft metadata the copy
// is at. Runs on a short-lived thread because the copy of a large store takes seconds.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { MemberStore } from '../cluster/member-store.js';
import type { ConfState } from '../raft/index.js';
import { readApplyState } from '../server/apply-state.js';

export interface BuildRequest {
  dbPath: string;
  outPath: string;
}

export type BuildResult = { ok: true; index: number; term: number; confState: ConfState } | { ok: false; error: string };

function build(req: BuildRequest): BuildResult {
  const src = new Database(req.dbPath, { fileMustExist: true });
  try {
    src.pragma('busy_timeout = 10000');
    src.prepare('VACUUM INTO ?').run(req.outPath);
  } finally {
    src.close();
  }
  const copy = new Database(req.outPath, { fileMustExist: true });
  try {
    const { index, term } = readApplyState(copy);
    return { ok: true, index, term, confState: new MemberStore(copy).confState() };
  } finally {
    copy.close();
  }
}

const port = parentPort;
if (port !== null) {
  let result: BuildResult;
  try {
    result = build(workerData as BuildRequest);
  } catch (err) {
    result = { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(result);
}
