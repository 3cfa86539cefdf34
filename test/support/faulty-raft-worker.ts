// The Raft thread with faulty parts, for the fault-injection entry point (faulty-raftkv.ts): a log
// whose every fsync'd save blocks for a while (a slow disk), and peer links dialled through the
// chaos harness's proxies.
import { workerData } from 'node:worker_threads';
import type { RaftThreadConfig } from '../../src/consensus/protocol.js';
import { runRaftThread } from '../../src/consensus/raft-thread-main.js';
import { DurableLog, type HardState, type LogEntry } from '../../src/storage/durable-log.js';
import { blockFor } from './block-for.js';

export interface FaultyRaftSettings {
  fsyncDelayMs: number;
  peerDialMap: Map<string, string>;
}

class SlowLog extends DurableLog {
  constructor(
    path: string,
    private readonly delayMs: number,
  ) {
    super(path);
  }

  override save(hardState: HardState | undefined, entries: readonly LogEntry[], sync = true): void {
    super.save(hardState, entries, sync);
    if (sync && (hardState !== undefined || entries.length > 0)) blockFor(this.delayMs);
  }
}

function settingsOf(cfg: RaftThreadConfig): FaultyRaftSettings {
  return cfg.extension as FaultyRaftSettings;
}

if ((workerData as RaftThreadConfig | undefined)?.extension !== undefined) {
  runRaftThread({
    openLog: (path, cfg) => {
      const delay = settingsOf(cfg).fsyncDelayMs;
      return delay > 0 ? new SlowLog(path, delay) : new DurableLog(path);
    },
    dialMap: (cfg) => settingsOf(cfg).peerDialMap,
  });
}
