import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DurableLog, type LogEntry } from './durable-log.js';

const dirs: string[] = [];
function freshPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'raftkv-durable-log-'));
  dirs.push(dir);
  return join(dir, 'raft.db');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const entry = (index: number, term = 1): LogEntry => ({ index, term, type: 'normal', data: new Uint8Array([index & 0xff]) });

describe('DurableLog hard state', () => {
  it('an unsynced save (the commit index alone) is held in memory and written with the next synced save', () => {
    const path = freshPath();
    const log = new DurableLog(path);
    log.save({ term: 2, vote: 7n, commit: 0 }, [entry(1, 2), entry(2, 2)]);
    log.save({ term: 2, vote: 7n, commit: 2 }, [], false);
    expect(log.hardState()).toEqual({ term: 2, vote: 7n, commit: 2 });

    // What a crash now would leave: a second connection reads the file as a restart would.
    const crashed = new DurableLog(path);
    expect(crashed.hardState()).toEqual({ term: 2, vote: 7n, commit: 0 });
    expect(crashed.lastIndex()).toBe(2);
    crashed.close();

    // The next synced save carries the held commit index even when Raft hands no hard state.
    log.save(undefined, [entry(3, 2)]);
    const after = new DurableLog(path);
    expect(after.hardState()).toEqual({ term: 2, vote: 7n, commit: 2 });
    expect(after.entries(1, 4).map((e) => e.index)).toEqual([1, 2, 3]);
    after.close();
    log.close();
  });

  it('close() writes a held commit index', () => {
    const path = freshPath();
    const log = new DurableLog(path);
    log.save({ term: 1, vote: 1n, commit: 0 }, [entry(1)]);
    log.save({ term: 1, vote: 1n, commit: 1 }, [], false);
    log.close();
    const reopened = new DurableLog(path);
    expect(reopened.hardState()).toEqual({ term: 1, vote: 1n, commit: 1 });
    reopened.close();
  });

  it('a term or vote change is written by a synced save whatever else it holds', () => {
    const path = freshPath();
    const log = new DurableLog(path);
    log.save({ term: 1, vote: 1n, commit: 0 }, [entry(1)]);
    log.save({ term: 3, vote: 2n, commit: 1 }, []);
    const reopened = new DurableLog(path);
    expect(reopened.hardState()).toEqual({ term: 3, vote: 2n, commit: 1 });
    reopened.close();
    log.close();
  });
});
