// A request whose connection fails in the same read (HEADERS, then a WINDOW_UPDATE of 0): the
// stream is destroyed before grpc-js gets it, and grpc-js's answer to an unknown method or a
// wrong content-type used to throw out of the 'stream' handler, taking the process down.
import * as grpc from '@grpc/grpc-js';
import net from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientFront } from './client-front.js';
import { FLAG, FRAME, frame, indexed, literal, PREFACE, settings } from '../../../test/support/h2-frames.js';

describe('streams destroyed before grpc-js sees them', () => {
  const server = new grpc.Server();
  const front = new ClientFront(server, pino({ level: 'silent' }));
  let port = 0;
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown): void => {
    uncaught.push(e);
  };

  beforeAll(async () => {
    process.on('uncaughtException', onUncaught);
    const [bound] = await front.listen('http://127.0.0.1:0');
    port = bound?.port ?? 0;
  });
  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    await front.destroy();
  });

  const attempt = (authority: string, contentType: string): Promise<void> =>
    new Promise((resolve) => {
      const block = Buffer.concat([indexed(3), indexed(6), literal('without', 4, '/no.Such/Method'), literal('without', 1, authority), literal('without', 'content-type', contentType)]);
      const rest = Buffer.concat([
        frame(FRAME.SETTINGS, 0x1, 0, Buffer.alloc(0)), // ACKs the probe's SETTINGS
        frame(FRAME.HEADERS, FLAG.END_HEADERS, 1, block),
        frame(FRAME.WINDOW_UPDATE, 0, 0, Buffer.alloc(4)), // increment 0: a connection error
      ]);
      // The rest goes once the probe's SETTINGS came, as a real client's would.
      const sock = net.connect(port, '127.0.0.1', () => sock.write(Buffer.concat([PREFACE, settings()])));
      sock.once('data', () => sock.write(rest));
      sock.on('data', () => undefined);
      sock.on('error', () => undefined);
      sock.on('close', () => resolve());
    });

  it('drops them, on the native and the rewriter path, for unknown methods and bad content types', async () => {
    for (let i = 0; i < 40; i++) {
      await attempt(i % 2 === 0 ? `127.0.0.1:${port}` : `http://127.0.0.1:${port}`, i % 4 < 2 ? 'application/grpc' : 'text/plain');
    }
    // Let any pending tick run before looking.
    await new Promise((r) => setImmediate(r));
    expect(uncaught.map((e) => (e instanceof Error ? `${e.message} ${(e.stack ?? "").split("\n").slice(1, 3).join(" ")}` : String(e)))).toEqual([]);
  });
});
