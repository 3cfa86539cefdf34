// A Duplex over an accepted TCP socket, handed to grpc-js's HTTP/2 server in
// place of the socket: server-to-client bytes pass straight through, the
// client-to-server stream goes through ClientStreamRewriter. (Node runs a
// non-native stream through its JSStreamSocket, which costs some CPU per read
// and write and hides the peer address from the HTTP/2 session.)
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { ClientStreamRewriter } from './client-stream-rewriter.js';

type Callback = (error?: Error | null) => void;

export class AuthorityFixingSocket extends Duplex {
  private pendingWrite: Callback | null = null;

  /** `forwarded`: what `rewriter` already let through before this wrapper took over. */
  constructor(
    readonly socket: Socket,
    readonly rewriter = new ClientStreamRewriter(),
    forwarded: Buffer[] = [],
  ) {
    super({ allowHalfOpen: false });
    this.forward(forwarded);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => {
      if (this.destroyed) return;
      this.forward(this.rewriter.flush());
      this.push(null);
    });
    socket.on('drain', () => this.releaseWrite());
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => this.destroy());
  }

  private onData(chunk: Buffer): void {
    let out: Buffer[];
    try {
      out = this.rewriter.push(chunk);
    } catch (err) {
      // A parser fault ends this connection only, never the member.
      this.destroy(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    this.forward(out);
    if (this.rewriter.refusedBecause !== null) this.destroy();
  }

  private forward(out: Buffer[]): void {
    if (out.length === 0) return;
    // One push per input chunk: the HTTP/2 session takes each pushed buffer as one read.
    const buf = out.length === 1 ? (out[0] ?? Buffer.alloc(0)) : Buffer.concat(out);
    if (!this.push(buf)) this.socket.pause();
  }

  override _read(): void {
    this.socket.resume();
  }

  // Writes complete as soon as the socket buffers them (or on 'drain' when it
  // is full): the HTTP/2 session keeps only one write in flight, so waiting
  // for the kernel would throttle it.
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: Callback): void {
    if (this.socket.write(chunk)) callback();
    else this.pendingWrite = callback;
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: Callback): void {
    this.socket.cork();
    let ok = true;
    for (const c of chunks) ok = this.socket.write(c.chunk);
    this.socket.uncork();
    if (ok) callback();
    else this.pendingWrite = callback;
  }

  override _final(callback: Callback): void {
    this.socket.end();
    callback();
  }

  override _destroy(error: Error | null, callback: Callback): void {
    this.pendingWrite = null;
    this.socket.destroy();
    callback(error);
  }

  private releaseWrite(): void {
    const cb = this.pendingWrite;
    this.pendingWrite = null;
    cb?.();
  }
}
