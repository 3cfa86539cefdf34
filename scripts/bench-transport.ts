// Peer transport throughput over one stream on loopback (sender and receiver in this process):
// `npm run build && node dist/scripts/bench-transport.js`.
import type { Message } from '../src/raft/types.js';
import { app, heartbeat, mesh, startNode, stopAll, waitFor } from '../test/support/transport-kit.js';

const A = 1n;
const B = 2n;

async function measure(label: string, make: (i: number) => Message, total: number, perTurn: number): Promise<void> {
  const a = await startNode(A, { queueCap: 1 << 20 });
  const b = await startNode(B);
  mesh([a, b]);
  await waitFor(() => a.transport.activeSince(B) !== undefined, 'stream');
  const start = performance.now();
  for (let i = 0; i < total; i += perTurn) {
    const msgs: Message[] = [];
    for (let k = i; k < Math.min(total, i + perTurn); k++) msgs.push(make(k));
    a.transport.send(msgs);
    await new Promise((r) => setImmediate(r));
  }
  await waitFor(() => b.recorder.messages.length === total, 'delivery', 120_000);
  const s = (performance.now() - start) / 1000;
  console.log(
    `${label}: ${total} msgs in ${s.toFixed(2)} s = ${Math.round(total / s)} msg/s, ` +
      `${a.transport.stats.batchesSent} batches, dropped ${a.transport.stats.messagesDropped}`,
  );
  await stopAll();
}

async function main(): Promise<void> {
  await measure('MsgHeartbeat x1000/turn', (i) => heartbeat(A, B, i), 300_000, 1000);
  await measure('MsgHeartbeat x100/turn', (i) => heartbeat(A, B, i), 100_000, 100);
  await measure('MsgApp(128 B) x1000/turn', (i) => app(A, B, i, 128), 300_000, 1000);
  await measure('MsgApp(1 KiB) x500/turn', (i) => app(A, B, i, 1024), 100_000, 500);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
