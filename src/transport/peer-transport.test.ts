import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../raft/types.js';
import { PeerTransport } from './peer-transport.js';
import {
  Recorder,
  app,
  capturingLogger,
  deadUrl,
  freezableProxy,
  heartbeat,
  mesh,
  silent,
  sleep,
  startNode,
  stopAll,
  waitFor,
  type Node,
  NO_SNAPSHOT_FILES,
} from '../../test/support/transport-kit.js';

afterEach(stopAll);

const A = 0xaaaaaaaaaaaaaaaan;
const B = 0xffffffffffffffffn; // max uint64 as a member ID, end to end
const C = 3n;

function indexesFrom(msgs: readonly Message[], from: bigint): number[] {
  return msgs.filter((m) => m.from === from).map((m) => m.index);
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

async function connected(a: Node, b: Node): Promise<void> {
  await waitFor(() => a.transport.activeSince(b.id) !== undefined, `stream ${a.id} -> ${b.id}`);
}

describe('PeerTransport', () => {
  it('exchanges thousands of messages between two members, in order, both ways', async () => {
    const a = await startNode(A);
    const b = await startNode(B);
    mesh([a, b]);
    await connected(a, b);
    await connected(b, a);
    const before = Date.now();
    expect(a.transport.activeSince(b.id)).toBeLessThanOrEqual(before);
    const N = 5000;
    // In slices over several turns, as a Raft loop would send them.
    for (let i = 0; i < N; i += 250) {
      a.transport.send(range(250).map((k) => app(A, B, i + k)));
      b.transport.send(range(250).map((k) => app(B, A, i + k)));
      await sleep(0);
    }
    await waitFor(() => b.recorder.messages.length === N && a.recorder.messages.length === N, 'delivery');
    expect(indexesFrom(b.recorder.messages, A)).toEqual(range(N));
    expect(indexesFrom(a.recorder.messages, B)).toEqual(range(N));
    const m = b.recorder.messages[123]!;
    expect(m).toMatchObject({ type: 'MsgApp', from: A, to: B, index: 123, commit: 123 });
    expect(Array.from(m.entries[0]!.data)).toEqual(Array.from(app(A, B, 123).entries[0]!.data));
    expect(a.recorder.unreachable).toEqual([]);
  });

  it('exchanges messages among three members, each sender in order', async () => {
    const nodes = [await startNode(A), await startNode(B), await startNode(C)];
    mesh(nodes);
    for (const x of nodes) for (const y of nodes) if (x !== y) await connected(x, y);
    const N = 3000;
    for (let i = 0; i < N; i += 100) {
      for (const x of nodes) {
        x.transport.send(nodes.filter((y) => y !== x).flatMap((y) => range(100).map((k) => app(x.id, y.id, i + k))));
      }
      await sleep(0);
    }
    await waitFor(() => nodes.every((n) => n.recorder.messages.length === 2 * N), 'delivery');
    for (const x of nodes) {
      for (const y of nodes) if (x !== y) expect(indexesFrom(y.recorder.messages, x.id)).toEqual(range(N));
    }
  });

  it('sends everything queued in one turn as one stream write', async () => {
    const a = await startNode(A);
    const b = await startNode(B);
    mesh([a, b]);
    await connected(a, b);
    for (let i = 0; i < 2000; i++) a.transport.send([heartbeat(A, B, i)]);
    await waitFor(() => b.recorder.messages.length === 2000, 'delivery');
    expect(a.transport.stats.batchesSent).toBe(1);
    expect(b.transport.stats.batchesReceived).toBe(1);
    expect(b.recorder.messages.map((m) => m.commit)).toEqual(range(2000));
  });

  it('cuts batches near 1 MiB so large appends stay under the gRPC message limit', async () => {
    const a = await startNode(A);
    const b = await startNode(B);
    mesh([a, b]);
    await connected(a, b);
    a.transport.send(range(40).map((i) => app(A, B, i, 256 * 1024))); // 10 MiB in one turn
    await waitFor(() => b.recorder.messages.length === 40, 'delivery');
    expect(a.transport.stats.batchesSent).toBeGreaterThanOrEqual(10);
    expect(indexesFrom(b.recorder.messages, A)).toEqual(range(40));
  });

  it('refuses a stream from another cluster and delivers nothing', async () => {
    const { logger, lines } = capturingLogger();
    const a = await startNode(A, { clusterId: 0x1234n, logger });
    const b = await startNode(B);
    a.transport.addPeer(B, [b.url]);
    a.transport.send([heartbeat(A, B)]);
    await waitFor(() => lines.some((l) => l.includes('raftkv: cluster ID mismatch')), 'mismatch logged');
    a.transport.send([heartbeat(A, B)]);
    await sleep(300);
    expect(b.recorder.messages).toEqual([]);
    expect(b.transport.stats.batchesReceived).toBe(0);
    expect(a.transport.activeSince(B)).toBeUndefined();
    expect(a.recorder.unreachable).toContain(B);
    expect(lines.some((l) => l.includes('FAILED_PRECONDITION'))).toBe(true);
  });

  it('does not deliver to a URL that serves another member', async () => {
    const a = await startNode(A);
    const b = await startNode(B);
    a.transport.addPeer(C, [b.url]); // misconfigured: C's URL is B's
    a.transport.send([heartbeat(A, C)]);
    await waitFor(() => a.recorder.unreachable.includes(C), 'unreachable');
    await sleep(200);
    expect(b.recorder.messages).toEqual([]);
    expect(a.transport.activeSince(C)).toBeUndefined();
  });

  it('reconnects after the peer restarts, reporting it unreachable meanwhile', async () => {
    const a = await startNode(A);
    let b = await startNode(B);
    mesh([a, b]);
    await connected(a, b);
    a.transport.send([heartbeat(A, B, 1)]);
    await waitFor(() => b.recorder.messages.length === 1, 'first delivery');

    await b.transport.stop();
    await waitFor(() => a.transport.activeSince(B) === undefined, 'stream down');
    a.transport.send([heartbeat(A, B, 2)]); // dropped while down
    await waitFor(() => a.recorder.unreachable.includes(B), 'unreachable reported');

    b = await startNode(B, { listenUrls: [b.url] }); // same port
    await connected(a, b);
    a.transport.send([heartbeat(A, B, 3)]);
    await waitFor(() => b.recorder.messages.length === 1, 'delivery after restart');
    expect(b.recorder.messages[0]!.commit).toBe(3);
  });

  it('notices within a few seconds a peer that stops answering (as if SIGSTOP\'d)', async () => {
    const a = await startNode(A);
    const b = await startNode(B);
    const proxy = await freezableProxy(b.url);
    try {
      a.transport.addPeer(B, [proxy.url]);
      await connected(a, b);
      proxy.freeze();
      const frozenAt = Date.now();
      const timer = setInterval(() => a.transport.send([heartbeat(A, B)]), 100);
      try {
        await waitFor(() => a.transport.activeSince(B) === undefined, 'stream declared dead', 10_000);
      } finally {
        clearInterval(timer);
      }
      const detectMs = Date.now() - frozenAt;
      expect(detectMs).toBeLessThan(5000);
      await waitFor(() => a.recorder.unreachable.includes(B), 'unreachable');
    } finally {
      await proxy.close();
    }
  });

  it('queues up to the cap before the first connection, then drops and reports', async () => {
    const recorder = new Recorder();
    const b = await startNode(B);
    const a = new PeerTransport({
      memberId: A,
      clusterId: 0xcdf818194e3a8c32n,
      listenUrls: ['http://127.0.0.1:0'],
      logger: silent,
      handler: recorder,
      queueCap: 10,
      files: NO_SNAPSHOT_FILES,
    });
    try {
      a.addPeer(B, [b.url]); // not running yet: queued
      a.send(range(25).map((i) => heartbeat(A, B, i)));
      expect(a.stats.messagesDropped).toBe(15);
      await sleep(0);
      expect(recorder.unreachable).toEqual([B]); // once per turn, not per message
      await a.run();
      await waitFor(() => b.recorder.messages.length === 10, 'queued delivery');
      expect(b.recorder.messages.map((m) => m.commit)).toEqual(range(10));
    } finally {
      await a.stop();
    }
  });

  it('moves to new URLs on updatePeer', async () => {
    const a = await startNode(A);
    const b = await startNode(B);
    a.transport.addPeer(B, [await deadUrl()]);
    a.transport.send([heartbeat(A, B)]);
    await waitFor(() => a.recorder.unreachable.includes(B), 'unreachable');
    a.transport.updatePeer(B, [b.url]);
    await connected(a, b);
    a.transport.send([heartbeat(A, B, 9)]);
    await waitFor(() => b.recorder.messages.length === 1, 'delivery');
  });

  it('tries a peer’s other URLs when one is refused', async () => {
    const a = await startNode(A);
    const b = await startNode(B);
    a.transport.addPeer(B, [await deadUrl(), b.url]);
    await connected(a, b);
  });

  it('stops sending on removePeer and refuses the removed member afterwards', async () => {
    const a = await startNode(A);
    const b = await startNode(B);
    mesh([a, b]);
    await connected(a, b);
    await connected(b, a);
    a.transport.removePeer(B);
    expect(a.transport.activeSince(B)).toBeUndefined();
    const dropped = a.transport.stats.messagesDropped;
    a.transport.send([heartbeat(A, B)]);
    expect(a.transport.stats.messagesDropped).toBe(dropped + 1);
    // B's stream into A is refused from now on (a reconnect is checked against the removed set).
    await b.transport.stop();
    const b2 = await startNode(B, { listenUrls: [b.url] });
    b2.transport.addPeer(A, [a.url]);
    b2.transport.send([heartbeat(B, A)]);
    await waitFor(() => b2.recorder.unreachable.includes(A), 'refused');
    await sleep(200);
    expect(a.recorder.messages).toEqual([]);
    expect(b2.recorder.messages).toEqual([]);
  });

  it('drops messages to unknown peers without reporting them', async () => {
    const a = await startNode(A);
    a.transport.send([heartbeat(A, 77n)]);
    await sleep(10);
    expect(a.transport.stats.messagesDropped).toBe(1);
    expect(a.recorder.unreachable).toEqual([]);
  });
});
