import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DurableLog } from '../storage/durable-log.js';
import { RaftStorage } from '../storage/raft-storage.js';
import { RaftLoop, type PeerNetwork } from './raft-loop.js';

/** The calls the loop makes on the peer network. */
class RecordingNetwork implements PeerNetwork {
  readonly calls: string[] = [];
  send(): void {}
  sendSnapshot(): void {}
  addPeer(id: bigint, urls: string[]): void {
    this.calls.push(`add ${id} ${urls.join(',')}`);
  }
  removePeer(id: bigint): void {
    this.calls.push(`remove ${id}`);
  }
}

describe('RaftLoop.syncPeers (the applied membership, on every member)', () => {
  const dirs: string[] = [];
  const logs: DurableLog[] = [];
  afterEach(() => {
    for (const l of logs.splice(0)) l.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function loop(): { loop: RaftLoop; net: RecordingNetwork } {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'raftkv-loop-'));
    dirs.push(dir);
    const log = new DurableLog(path.join(dir, 'raft.db'));
    logs.push(log);
    const storage = new RaftStorage(log, {
      confState: () => ({ voters: [1n, 2n, 3n], learners: [] }),
      snapshot: () => ({ error: 'snapshot-temporarily-unavailable' }),
    });
    const net = new RecordingNetwork();
    const l = new RaftLoop({
      id: 1n,
      storage,
      network: net,
      link: { ready: () => undefined, install: () => Promise.resolve(), removed: () => undefined },
      logger: pino({ level: 'silent' }),
      heartbeatMs: 100,
      electionMs: 1000,
      catchUpEntries: 10,
      applied: 0,
      onFatal: () => undefined,
    });
    return { loop: l, net };
  }

  const m = (id: bigint, url: string) => ({ id, peerUrls: [url] });

  it('re-points a member whose peer URLs an applied update changed, and only that one', () => {
    const { loop: l, net } = loop();
    l.syncPeers([m(1n, 'http://a:1'), m(2n, 'http://b:1'), m(3n, 'http://c:1')]);
    expect(net.calls).toEqual(['add 2 http://b:1', 'add 3 http://c:1']);
    net.calls.length = 0;
    // Another member's attributes changed (same URLs): connections stay as they are.
    l.syncPeers([m(1n, 'http://a:1'), m(2n, 'http://b:1'), m(3n, 'http://c:1')]);
    expect(net.calls).toEqual([]);
    l.syncPeers([m(1n, 'http://a:1'), m(2n, 'http://b:1'), m(3n, 'http://c:2')]);
    expect(net.calls).toEqual(['add 3 http://c:2']);
    net.calls.length = 0;
    l.syncPeers([m(1n, 'http://a:1'), m(3n, 'http://c:2')]);
    expect(net.calls).toEqual(['remove 2']);
  });
});
