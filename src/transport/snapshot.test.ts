import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../raft/types.js';
import { deadUrl, mesh, sleep, startNode, stopAll, waitFor, type Node } from '../../test/support/transport-kit.js';

afterEach(stopAll);

const A = 1n;
const B = 0xfedcba9876543210n;

const INDEX = 1000;

/** A MsgSnap from `from`, whose data that node offers as the snapshot at INDEX. */
function snapMsg(from: Node, data: Uint8Array, to = B): Message {
  from.files.offer(INDEX, data);
  return {
    type: 'MsgSnap',
    from: A,
    to,
    term: 5,
    logTerm: 0,
    index: 0,
    entries: [],
    commit: 0,
    reject: false,
    rejectHint: 0,
    snapshot: { metadata: { index: INDEX, term: 4, confState: { voters: [A, B], learners: [7n] } }, data: new Uint8Array(0) },
  };
}

describe('snapshot transfer', () => {
  it('transfers a few MiB intact and reports success after the receiver applied it', async () => {
    const a = await startNode(A);
    const b = await startNode(B);
    mesh([a, b]);
    let applied = false;
    b.recorder.applySnapshot = async () => {
      await sleep(200);
      applied = true;
    };
    const data = randomBytes(5 * 1024 * 1024 + 12345); // not a multiple of the chunk size
    a.transport.sendSnapshot(snapMsg(a, data));
    await waitFor(() => a.recorder.statuses.length === 1, 'status');
    expect(applied).toBe(true);
    expect(a.recorder.statuses).toEqual([{ id: B, ok: true }]);
    const got = b.recorder.snapshots[0]!;
    expect(got).toMatchObject({ type: 'MsgSnap', from: A, to: B, term: 5 });
    expect(got.snapshot!.metadata).toEqual({ index: 1000, term: 4, confState: { voters: [A, B], learners: [7n] } });
    expect(Buffer.compare(Buffer.from(got.snapshot!.data), data)).toBe(0);
    expect(a.transport.stats.snapshotsSent).toBe(1);
  });

  it('routes a MsgSnap given to send() to the snapshot call', async () => {
    const a = await startNode(A);
    const b = await startNode(B);
    mesh([a, b]);
    a.transport.send([snapMsg(a, Uint8Array.of(1, 2, 3))]);
    await waitFor(() => a.recorder.statuses.length === 1, 'status');
    expect(a.recorder.statuses).toEqual([{ id: B, ok: true }]);
    expect(Array.from(b.recorder.snapshots[0]!.snapshot!.data)).toEqual([1, 2, 3]);
    expect(b.recorder.messages).toEqual([]);
  });

  it('reports failure for a dead peer', async () => {
    const a = await startNode(A);
    a.transport.addPeer(B, [await deadUrl()]);
    a.transport.sendSnapshot(snapMsg(a, randomBytes(1024)));
    await waitFor(() => a.recorder.statuses.length === 1, 'status');
    expect(a.recorder.statuses).toEqual([{ id: B, ok: false }]);
  });

  it('reports failure when the receiver cannot apply it', async () => {
    const a = await startNode(A);
    const b = await startNode(B);
    mesh([a, b]);
    b.recorder.applySnapshot = () => Promise.reject(new Error('disk full'));
    a.transport.sendSnapshot(snapMsg(a, randomBytes(3 * 1024 * 1024)));
    await waitFor(() => a.recorder.statuses.length === 1, 'status');
    expect(a.recorder.statuses).toEqual([{ id: B, ok: false }]);
  });

  it('reports failure to another cluster, which never sees the snapshot', async () => {
    const a = await startNode(A, { clusterId: 99n });
    const b = await startNode(B);
    a.transport.addPeer(B, [b.url]);
    a.transport.sendSnapshot(snapMsg(a, randomBytes(1024)));
    await waitFor(() => a.recorder.statuses.length === 1, 'status');
    expect(a.recorder.statuses).toEqual([{ id: B, ok: false }]);
    expect(b.recorder.snapshots).toEqual([]);
  });

  it('reports failure for an unknown peer', async () => {
    const a = await startNode(A);
    a.transport.sendSnapshot(snapMsg(a, Uint8Array.of(1)));
    await waitFor(() => a.recorder.statuses.length === 1, 'status');
    expect(a.recorder.statuses).toEqual([{ id: B, ok: false }]);
  });

  it('aborts an in-flight snapshot on removePeer', async () => {
    const a = await startNode(A);
    const b = await startNode(B);
    mesh([a, b]);
    b.recorder.applySnapshot = () => sleep(5000);
    a.transport.sendSnapshot(snapMsg(a, randomBytes(1024)));
    await waitFor(() => b.recorder.snapshots.length === 1, 'received');
    a.transport.removePeer(B);
    await waitFor(() => a.recorder.statuses.length === 1, 'status');
    expect(a.recorder.statuses).toEqual([{ id: B, ok: false }]);
  });
});
