// A fault inside the rewriter, or a refused header block, ends that one connection: the
// AuthorityFixingSocket is destroyed, and nothing escapes as an uncaught exception.
import net from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AuthorityFixingSocket } from './authority-fixing-socket.js';
import { ClientStreamRewriter, MAX_CONTINUATIONS } from './client-stream-rewriter.js';
import { FRAME, frame, indexed, PREFACE, settings } from '../../../test/support/h2-frames.js';

class ThrowingRewriter extends ClientStreamRewriter {
  override push(): Buffer[] {
    throw new RangeError('parser fault');
  }
}

/** A server whose connections are wrapped with `rewriter()`; resolves with the wrapper once it is destroyed. */
async function serve(rewriter: () => ClientStreamRewriter, input: Buffer): Promise<{ wrapper: AuthorityFixingSocket; error: Error | undefined; peerClosed: boolean }> {
  let server: net.Server | undefined;
  const wrapped = new Promise<{ wrapper: AuthorityFixingSocket; error: Error | undefined }>((resolve) => {
    server = net.createServer((sock) => {
      const w = new AuthorityFixingSocket(sock, rewriter());
      let error: Error | undefined;
      w.on('error', (e: Error) => (error = e));
      w.on('data', () => undefined);
      w.on('close', () => resolve({ wrapper: w, error }));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const port = (server?.address() as net.AddressInfo).port;
  const client = net.connect(port, '127.0.0.1', () => client.write(input));
  client.on('error', () => undefined);
  const peerClosed = new Promise<boolean>((resolve) => client.on('close', () => resolve(true)));
  const { wrapper, error } = await wrapped;
  const closed = await peerClosed;
  server?.close();
  return { wrapper, error, peerClosed: closed };
}

describe('AuthorityFixingSocket faults', () => {
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown): void => {
    uncaught.push(e);
  };
  process.on('uncaughtException', onUncaught);
  afterEach(() => {
    expect(uncaught).toEqual([]);
  });
  afterAll(() => {
    process.off('uncaughtException', onUncaught);
  });

  it('an exception in the rewriter destroys the connection with that error', async () => {
    const { wrapper, error, peerClosed } = await serve(() => new ThrowingRewriter(), Buffer.concat([PREFACE, settings()]));
    expect(wrapper.destroyed).toBe(true);
    expect(error?.message).toBe('parser fault');
    expect(peerClosed).toBe(true);
  });

  it('a CONTINUATION flood destroys the connection', async () => {
    const open = frame(FRAME.HEADERS, 0, 1, Buffer.concat([indexed(3), indexed(6), indexed(4)]));
    const flood = Array.from({ length: MAX_CONTINUATIONS + 1 }, () => frame(FRAME.CONTINUATION, 0, 1, Buffer.alloc(0)));
    const rewriter = new ClientStreamRewriter();
    const { wrapper, peerClosed } = await serve(() => rewriter, Buffer.concat([PREFACE, settings(), open, ...flood]));
    expect(rewriter.refusedBecause).toMatch(/CONTINUATION/);
    expect(wrapper.destroyed).toBe(true);
    expect(peerClosed).toBe(true);
  });
});
