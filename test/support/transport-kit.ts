// Shared helpers of the transport tests: transports on 127.0.0.1 with free ports, a recording
// handler, and polling.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type { Message, NodeId } from '../../src/raft/types.js';
import type { SnapshotFiles, TransportHandler } from '../../src/transport/handler.js';
import { PeerTransport, type PeerTransportOptions } from '../../src/transport/peer-transport.js';

export const CLUSTER = 0xcdf818194e3a8c32n;

export class Recorder implements TransportHandler {
  readonly messages: Message[] = [];
  readonly unreachable: NodeId[] = [];
  readonly snapshots: Message[] = [];
  readonly statuses: { id: NodeId; ok: boolean }[] = [];
  /** Replaceable to slow down or fail snapshot application. */
  applySnapshot: (msg: Message) => void | Promise<void> = () => undefined;

  onMessages(msgs: Message[]): void {
    this.messages.push(...msgs);
  }
  /** Records the message with the received file's bytes as its data. */
  onSnapshot(msg: Message, file: string): void | Promise<void> {
    const received: Message = msg.snapshot === undefined ? msg : { ...msg, snapshot: { ...msg.snapshot, data: readFileSync(file) } };
    rmSync(file, { force: true });
    this.snapshots.push(received);
    return this.applySnapshot(received);
  }
  onUnreachable(id: NodeId): void {
    this.unreachable.push(id);
  }
  onSnapshotStatus(id: NodeId, ok: boolean): void {
    this.statuses.push({ id, ok });
  }
}

/** A logger whose lines can be inspected (warn and above). */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb): void {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { logger: pino({ level: 'warn' }, sink), lines };
}

export const silent: Logger = pino({ level: 'silent' });

/** For transports that never send or receive a snapshot. */
export const NO_SNAPSHOT_FILES: SnapshotFiles = {
  fileFor: () => undefined,
  incomingPath: () => join(tmpdir(), `raftkv-unexpected-snapshot-${process.pid}`),
};

/** Snapshot files in a temp folder: offer() makes data sendable at an index. */
export class TestSnapshotFiles implements SnapshotFiles {
  readonly dir = mkdtempSync(join(tmpdir(), 'raftkv-transport-'));
  private readonly offered = new Map<number, string>();
  private seq = 0;

  offer(index: number, data: Uint8Array): void {
    const path = join(this.dir, `offer-${index}`);
    writeFileSync(path, data);
    this.offered.set(index, path);
  }
  fileFor(index: number): string | undefined {
    return this.offered.get(index);
  }
  incomingPath(): string {
    return join(this.dir, `incoming-${++this.seq}`);
  }
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface Node {
  id: NodeId;
  transport: PeerTransport;
  recorder: Recorder;
  files: TestSnapshotFiles;
  url: string;
}

/** Every node started here; stopAll() in afterEach. */
const started: Node[] = [];

export async function startNode(
  id: NodeId,
  opts: Partial<Omit<PeerTransportOptions, 'memberId' | 'handler' | 'files'>> = {},
): Promise<Node> {
  const recorder = new Recorder();
  const files = new TestSnapshotFiles();
  const transport = new PeerTransport({
    memberId: id,
    clusterId: CLUSTER,
    listenUrls: ['http://127.0.0.1:0'],
    logger: silent,
    handler: recorder,
    files,
    ...opts,
  });
  const node: Node = { id, transport, recorder, files, url: '' };
  started.push(node);
  await transport.run();
  node.url = transport.urls()[0]!;
  return node;
}

export async function stopAll(): Promise<void> {
  await Promise.all(
    started.splice(0).map(async (n) => {
      await n.transport.stop();
      n.files.remove();
    }),
  );
}

/** Links every node to every other. */
export function mesh(nodes: readonly Node[]): void {
  for (const a of nodes) for (const b of nodes) if (a !== b) a.transport.addPeer(b.id, [b.url]);
}

/** A URL on which nothing listens (a port that was just free). */
export async function deadUrl(): Promise<string> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const addr = srv.address();
  await new Promise<void>((r) => srv.close(() => r()));
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  return `http://127.0.0.1:${addr.port}`;
}

export async function waitFor(cond: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A MsgApp whose index tells its place in a sequence, with one entry of binary data. */
export function app(from: NodeId, to: NodeId, i: number, dataBytes = 16): Message {
  const data = new Uint8Array(dataBytes);
  for (let k = 0; k < dataBytes; k++) data[k] = (i + k) & 0xff;
  return {
    type: 'MsgApp',
    from,
    to,
    term: 1,
    logTerm: 1,
    index: i,
    entries: [{ index: i + 1, term: 1, type: 'normal', data }],
    commit: i,
    reject: false,
    rejectHint: 0,
  };
}

export function heartbeat(from: NodeId, to: NodeId, commit = 0): Message {
  return { type: 'MsgHeartbeat', from, to, term: 1, logTerm: 0, index: 0, entries: [], commit, reject: false, rejectHint: 0 };
}

/**
 * A TCP proxy in front of `target` that can freeze: connections stay open but nothing moves,
 * which is what a SIGSTOP'd peer looks like from the outside.
 */
export async function freezableProxy(target: string): Promise<{ url: string; freeze(): void; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let frozen = false;
  const srv = createServer((inbound) => {
    const outbound = connect(Number(port), hostname);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    inbound.on('data', (d) => frozen || outbound.write(d));
    outbound.on('data', (d) => frozen || inbound.write(d));
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const addr = srv.address();
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${addr.port}`,
    freeze: () => {
      frozen = true;
      for (const s of sockets) s.pause();
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => srv.close(() => r()));
    },
  };
}
