// Decides, per connection, whether the client-to-server stream needs the :authority rewrite at
// all. Only clients that send an authority nghttp2 rejects (etcdctl: "http://host:port") do;
// the rest get the native socket, with no JavaScript stream on the path.
//
// The decision waits for the client's first header block. A gRPC-Go client sends none before the
// server's connection preface (a SETTINGS frame), so the probe sends an empty SETTINGS itself once
// it has the client's preface, and removes the client's ACK of it (nghttp2 never sent that frame,
// and an unexpected ACK is a connection error for it). A connection goes native only once that
// ACK is gone; otherwise, or when no header block comes soon, it keeps the rewriter, which is
// right for every client, only dearer. Meanwhile the probe answers the client's PINGs itself, so a
// client that dials first and asks later (etcdctl's `check perf` dials all its clients before its
// first request; gRPC-Go pings an idle connection every 2 s) still gets the native socket.
import type { Socket } from 'node:net';
import { ClientStreamRewriter } from './client-stream-rewriter.js';

const PREFACE_LENGTH = 24;
/** An empty SETTINGS frame: length 0, type 4, no flags, stream 0. */
const EMPTY_SETTINGS = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);
/** How long a connection that asks for nothing may stay undecided before it takes the rewriter. */
const DECIDE_WITHIN_MS = 10_000;

/** More PINGs than a client that means to ask something sends while the probe waits (gRPC-Go: one per 2 s). */
const MAX_PINGS_WHILE_DECIDING = 64;

/** The PING ACK for a client's PING: the same 8 octets, flag ACK. */
function pingAck(payload: Buffer): Buffer {
  const frame = Buffer.alloc(9 + payload.length);
  frame.writeUIntBE(payload.length, 0, 3);
  frame[3] = 0x6; // PING
  frame[4] = 0x1; // ACK
  payload.copy(frame, 9);
  return frame;
}

export type ProbeOutcome =
  /** HTTP/2 for nghttp2 as it is; `buffered`: the client's bytes read so far, to put back. */
  | { kind: 'native'; buffered: Buffer }
  /** No HTTP/2 preface (HTTP/1.1, or garbage); `buffered` as above. */
  | { kind: 'http1'; buffered: Buffer }
  /** HTTP/2 through the rewriter, which has already let `forwarded` through. */
  | { kind: 'rewrite'; rewriter: ClientStreamRewriter; forwarded: Buffer[] };

export function probeConnection(socket: Socket, decided: (o: ProbeOutcome) => void): void {
  const rewriter = new ClientStreamRewriter();
  const forwarded: Buffer[] = [];
  let received = 0;
  let settingsSent = false;
  let timer: NodeJS.Timeout | undefined;
  let done = false;

  const finish = (kind: ProbeOutcome['kind']): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    rewriter.answerPings = null; // from here on nghttp2 answers them
    socket.off('data', onData);
    socket.off('close', onClose);
    socket.off('error', onError);
    socket.pause();
    if (kind === 'rewrite') return decided({ kind, rewriter, forwarded });
    // No more rewriting: whatever the rewriter holds back goes out as it came.
    decided({ kind, buffered: Buffer.concat([...forwarded, ...rewriter.flush()]) });
  };

  const onData = (chunk: Buffer): void => {
    received += chunk.length;
    try {
      forwarded.push(...rewriter.push(chunk));
    } catch {
      socket.destroy(); // a parser fault ends this connection only
      return;
    }
    if (rewriter.refusedBecause !== null) {
      socket.destroy();
      return;
    }
    if (!settingsSent) {
      if (rewriter.stoppedBecause !== null) return finish('http1'); // no HTTP/2 preface
      if (received < PREFACE_LENGTH) return;
      settingsSent = true;
      rewriter.dropSettingsAck = true;
      let pings = 0;
      rewriter.answerPings = (payload) => {
        if (++pings > MAX_PINGS_WHILE_DECIDING) socket.destroy(); // a flood, not a client
        else socket.write(pingAck(payload));
      };
      socket.write(EMPTY_SETTINGS);
      timer = setTimeout(() => finish('rewrite'), DECIDE_WITHIN_MS);
    }
    if (rewriter.stoppedBecause !== null || rewriter.pingPassedThrough) return finish('rewrite');
    if (rewriter.headerBlocks > 0 && !rewriter.dropSettingsAck) finish(rewriter.hpack.rewrites === 0 ? 'native' : 'rewrite');
  };
  const onClose = (): void => {
    done = true;
    clearTimeout(timer);
  };
  const onError = (): void => undefined; // 'close' follows; the connection is simply gone

  socket.on('data', onData);
  socket.on('close', onClose);
  socket.on('error', onError);
}
