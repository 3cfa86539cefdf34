// A committed log entry this version cannot apply (an unknown entry type, or a normal entry with
// no request it knows) stops the member with a clear error and a non-zero exit, instead of being
// applied as nothing while other members apply it (they would diverge). The entry is written into
// a stopped member's Raft log as committed; the member is then started on it.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { RAFTKV_ENTRY, testTarget } from '../support/env.js';
import { RawEtcdClient } from '../support/grpc.js';
import { startNode, type NodeHandle } from '../support/node.js';
import { cleanEnv, exitStatus, killTree, spawnTracked } from '../support/proc.js';

/** Appends one committed entry at the end of the member's Raft log. */
function appendCommitted(dataDir: string, type: number, data: Buffer): number {
  const db = new Database(join(dataDir, 'member', 'raft.db'));
  try {
    const last = (db.prepare('SELECT max(idx) AS hi FROM entries').get() as { hi: number }).hi;
    const term = Number((db.prepare("SELECT v FROM log_meta WHERE k = 'hs_term'").get() as { v: string }).v);
    db.prepare('INSERT INTO entries (idx, term, type, data) VALUES (?, ?, ?, ?)').run(last + 1, term, type, data);
    db.prepare("UPDATE log_meta SET v = ? WHERE k = 'hs_commit'").run(String(last + 1));
    return last + 1;
  } finally {
    db.close();
  }
}

/** Starts the member again on its data dir; resolves with its exit status and output. */
function runUntilExit(node: NodeHandle, timeoutMs: number): Promise<{ status: number; output: string }> {
  const args = [
    RAFTKV_ENTRY,
    `--name=${node.name}`,
    `--data-dir=${node.dataDir}`,
    `--listen-client-urls=${node.clientUrl}`,
    `--advertise-client-urls=${node.clientUrl}`,
    `--listen-peer-urls=${node.peerUrl}`,
    `--initial-advertise-peer-urls=${node.peerUrl}`,
    `--initial-cluster=${node.name}=${node.peerUrl}`,
  ];
  const child = spawnTracked(process.execPath, args, { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  child.stdout?.on('data', (b: Buffer) => out.push(b));
  child.stderr?.on('data', (b: Buffer) => out.push(b));
  return new Promise((resolve) => {
    const timer = setTimeout(() => killTree(child), timeoutMs);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ status: exitStatus(code, signal), output: Buffer.concat(out).toString('utf8') });
    });
  });
}

/** InternalRequest{ID: 7} plus field 99 (varint 1), which no version of raftkv defines. */
const UNKNOWN_REQUEST = Buffer.from([0x08, 0x07, 0x98, 0x06, 0x01]);

describe.skipIf(testTarget() === 'etcd')('a committed entry this version cannot apply', () => {
  let node: NodeHandle | undefined;
  afterEach(async () => {
    await node?.stop();
    node = undefined;
  });

  async function stoppedMemberWithData(): Promise<NodeHandle> {
    node = await startNode();
    const c = new RawEtcdClient(node.endpoint);
    try {
      await c.put('k', 'v');
    } finally {
      c.close();
    }
    expect(await node.kill('SIGTERM')).toBe(0);
    return node;
  }

  it('a normal entry with an unknown request: the member logs it and exits non-zero', async () => {
    const n = await stoppedMemberWithData();
    const index = appendCommitted(n.dataDir, 0, UNKNOWN_REQUEST);
    const r = await runUntilExit(n, 30_000);
    expect(r.status, r.output).toBe(1);
    expect(r.output).toContain(`log entry ${index} (request 7) holds no request this version knows; refusing to apply it`);
  });

  it('an entry of an unknown type: the member logs it and exits non-zero', async () => {
    const n = await stoppedMemberWithData();
    const index = appendCommitted(n.dataDir, 7, Buffer.alloc(0));
    const r = await runUntilExit(n, 30_000);
    expect(r.status, r.output).toBe(1);
    expect(r.output).toContain(`log entry ${index} has unknown type 7; refusing to apply it`);
  });
});
