// Sends one snapshot over Peer.Snapshot on a channel of its own: the MsgSnap (metadata) first,
// then the data read from its file in 1 MiB chunks under gRPC flow control, so memory stays
// bounded whatever the size. The receiver answers only after it has applied the snapshot, so the
// result is what Raft's ReportSnapshot needs.
import { open } from 'node:fs/promises';
import * as grpc from '@grpc/grpc-js';
import * as pb from '../gen/raftkvpeer.js';
import type { Message } from '../raft/types.js';
import { messageToPb } from './codec.js';
import { SNAPSHOT_CHANNEL_OPTIONS } from './grpc-options.js';
import type { PeerCredentials } from './peer-credentials.js';
import { identityMetadata, readIdentity, type PeerIdentity } from './peer-identity.js';
import { peerAddress } from './peer-url.js';

export const SNAPSHOT_CHUNK_BYTES = 1024 * 1024;
/** Per URL: a refused or unreachable address fails fast, a hung one after this. */
const CONNECT_TIMEOUT_MS = 5000;

export type SnapshotSendResult = { ok: true } | { ok: false; reason: string };

export interface SnapshotSendOptions {
  /** A MsgSnap; its data is `file`. */
  msg: Message;
  file: string;
  urls: readonly string[];
  self: PeerIdentity;
  credentials: PeerCredentials;
  signal: AbortSignal;
  chunkBytes?: number;
}

type SnapshotCall = grpc.ClientWritableStream<pb.SnapshotChunkInit>;

function failed(reason: string): SnapshotSendResult {
  return { ok: false, reason };
}

export async function sendSnapshot(opts: SnapshotSendOptions): Promise<SnapshotSendResult> {
  if (opts.msg.type !== 'MsgSnap' || opts.msg.snapshot === undefined) return failed('not a MsgSnap with a snapshot');
  const reasons: string[] = [];
  for (const url of opts.urls) {
    if (opts.signal.aborted) return failed('aborted');
    const client = new grpc.Client(peerAddress(url), opts.credentials.forUrl(url), SNAPSHOT_CHANNEL_OPTIONS);
    try {
      const notReady = await waitForReady(client, opts.signal);
      if (notReady !== undefined) {
        reasons.push(`${url}: ${notReady}`);
        continue;
      }
      return await transfer(client, opts);
    } finally {
      client.close();
    }
  }
  return failed(reasons.join('; ') || 'no URL');
}

/**
 * undefined once connected, else why not. Unlike client.waitForReady, a refused connection fails
 * at once instead of being retried until the deadline.
 */
function waitForReady(client: grpc.Client, signal: AbortSignal): Promise<string | undefined> {
  const channel = client.getChannel();
  const deadline = Date.now() + CONNECT_TIMEOUT_MS;
  return new Promise((resolve) => {
    const done = (r: string | undefined): void => {
      signal.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const onAbort = (): void => done('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    const check = (): void => {
      if (signal.aborted) return;
      const state = channel.getConnectivityState(true);
      if (state === grpc.connectivityState.READY) done(undefined);
      else if (state === grpc.connectivityState.TRANSIENT_FAILURE) done('connection failed');
      else if (state === grpc.connectivityState.SHUTDOWN) done('channel closed');
      else {
        channel.watchConnectivityState(state, deadline, (err) =>
          err === undefined ? check() : done(`not connected within ${CONNECT_TIMEOUT_MS} ms`),
        );
      }
    };
    check();
  });
}

function transfer(client: grpc.Client, opts: SnapshotSendOptions): Promise<SnapshotSendResult> {
  const { msg, signal } = opts;
  const chunkBytes = opts.chunkBytes ?? SNAPSHOT_CHUNK_BYTES;
  return new Promise((resolve) => {
    let settled = false;
    const waiters: (() => void)[] = [];
    const finish = (r: SnapshotSendResult): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      for (const w of waiters.splice(0)) w();
      resolve(r);
    };
    const d = pb.PeerService.Snapshot;
    const call: SnapshotCall = client.makeClientStreamRequest<pb.SnapshotChunkInit, pb.SnapshotAck>(
      d.path,
      d.requestSerialize,
      d.responseDeserialize,
      identityMetadata(opts.self),
      {},
      (err) => finish(err === null ? { ok: true } : failed(`${grpc.status[err.code]}: ${err.details}`)),
    );
    const onAbort = (): void => {
      finish(failed('aborted'));
      call.cancel();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    call.on('error', () => undefined); // reported through the callback
    call.on('metadata', (md: grpc.Metadata) => {
      const remote = readIdentity(md);
      if (remote?.clusterId !== opts.self.clusterId || remote.memberId !== msg.to) {
        finish(failed('the URL serves another member or cluster'));
        call.cancel();
      }
    });
    call.on('drain', () => {
      for (const w of waiters.splice(0)) w();
    });

    /** Writes one chunk; false once the call is over. */
    const write = async (chunk: pb.SnapshotChunkInit): Promise<boolean> => {
      if (settled) return false;
      if (!call.write(chunk)) await new Promise<void>((r) => waiters.push(r));
      return !settled;
    };
    void (async () => {
      const fh = await open(opts.file, 'r');
      try {
        const size = (await fh.stat()).size;
        if (!(await write({ message: messageToPb(msg), total_size: size }))) return;
        for (let off = 0; off < size; ) {
          // A fresh buffer per chunk: grpc-js may still hold the previous one.
          const buf = Buffer.allocUnsafe(Math.min(chunkBytes, size - off));
          const { bytesRead } = await fh.read(buf, 0, buf.length, off);
          if (bytesRead <= 0) throw new Error(`snapshot file ended at ${off} of ${size} bytes`);
          off += bytesRead;
          if (!(await write({ data: buf.subarray(0, bytesRead) }))) return;
        }
        call.end();
      } finally {
        await fh.close();
      }
    })().catch((err: unknown) => {
      finish(failed(`cannot read the snapshot file: ${err instanceof Error ? err.message : String(err)}`));
      call.cancel();
    });
  });
}
