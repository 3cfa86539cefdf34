// Worker entry: checkpoints the state database's WAL into the database file on a connection of
// its own, so the main thread never waits for the copy or its fsync. On request it reports the
// applied index that is durable in the database file.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { readApplyState } from './apply-state.js';

export interface CheckpointConfig {
  dbPath: string;
  intervalMs: number;
}

export type CheckpointRequest = { t: 'durable'; seq: number } | { t: 'stop' };
export type CheckpointReply = { t: 'durable'; seq: number; index: number | undefined };

const ATTEMPTS = 40;
const RETRY_MS = 25;

const port = parentPort;
if (port !== null) {
  const cfg = workerData as CheckpointConfig;
  const db = new Database(cfg.dbPath, { fileMustExist: true });
  db.pragma('busy_timeout = 1000');
  /** True when every committed frame is in the database file (and that file was fsync'd). */
  const checkpoint = (): boolean => {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    return r !== undefined && r.busy === 0 && r.log === r.checkpointed;
  };
  const timer = setInterval(() => {
    try {
      checkpoint();
    } catch {
      // The next round tries again; a durable request reports its own failure.
    }
  }, cfg.intervalMs);
  const durable = async (seq: number): Promise<void> => {
    for (let i = 0; i < ATTEMPTS; i++) {
      // Read what is committed first: whatever the checkpoint then copies covers at least that.
      const { index } = readApplyState(db);
      if (checkpoint()) {
        port.postMessage({ t: 'durable', seq, index } satisfies CheckpointReply);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
    port.postMessage({ t: 'durable', seq, index: undefined } satisfies CheckpointReply);
  };
  port.on('message', (m: CheckpointRequest) => {
    if (m.t === 'durable') void durable(m.seq);
    else {
      clearInterval(timer);
      db.close();
      port.close();
    }
  });
}
