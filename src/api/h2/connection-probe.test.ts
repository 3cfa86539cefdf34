// The probe in front of a plain Node HTTP/2 server, wired as ClientFront wires it: which path each
// kind of client gets, and that nghttp2 never sees the SETTINGS ACK meant for the probe.
import http2 from 'node:http2';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorityFixingSocket } from './authority-fixing-socket.js';
import { probeConnection } from './connection-probe.js';
import { FLAG, FRAME, frame, headers, indexed, literal, parseFrames, PREFACE, settings } from '../../../test/support/h2-frames.js';

describe('connection probe', () => {
  const h2 = http2.createServer();
  const outcomes: string[] = [];
  const sessionErrors: string[] = [];
  let srv: net.Server;
  let port = 0;

  beforeAll(async () => {
    h2.on('stream', (stream, hdrs) => {
      stream.respond({ ':status': 200 });
      stream.end(String(hdrs[':authority'] ?? ''));
    });
    h2.on('session', (s) => s.on('error', (e: Error) => sessionErrors.push(e.message)));
    srv = net.createServer((sock) =>
      probeConnection(sock, (o) => {
        outcomes.push(o.kind);
        if (o.kind === 'rewrite') {
          h2.emit('connection', new AuthorityFixingSocket(sock, o.rewriter, o.forwarded));
        } else if (o.kind === 'native') {
          sock.unshift(o.buffered);
          h2.emit('connection', sock);
        } else {
          sock.end(`HTTP/1.1 200 OK\r\nContent-Length: ${o.buffered.length}\r\nConnection: close\r\n\r\n${o.buffered.toString('latin1')}`);
        }
      }),
    );
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    port = (srv.address() as net.AddressInfo).port;
  });

  afterAll(() => {
    srv.close();
    h2.close();
  });

  const get = (authority?: string): Promise<string> =>
    new Promise((resolve) => {
      const client = http2.connect(`http://127.0.0.1:${port}`);
      client.on('error', () => undefined);
      const req = client.request({ ':path': '/', ...(authority === undefined ? {} : { ':authority': authority }) });
      let body = '';
      req.setEncoding('latin1');
      req.on('data', (d: string) => (body += d));
      req.on('end', () => {
        client.close();
        resolve(body);
      });
      req.on('error', (e: Error) => {
        client.destroy();
        resolve(`error: ${e.message}`);
      });
    });

  it('hands a client with a valid :authority the native socket', async () => {
    outcomes.length = 0;
    expect(await get()).toBe(`127.0.0.1:${port}`);
    expect(outcomes).toEqual(['native']);
  });

  it("keeps the rewriter for etcdctl's http://host:port authority", async () => {
    outcomes.length = 0;
    expect(await get(`http://127.0.0.1:${port}`)).toBe(`http:__127.0.0.1:${port}`);
    expect(outcomes).toEqual(['rewrite']);
  });

  it('tells HTTP/1.1 from HTTP/2 by the first bytes, and hands over what it read', async () => {
    outcomes.length = 0;
    const reply = await new Promise<string>((resolve) => {
      const sock = net.connect(port, '127.0.0.1', () => sock.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n'));
      let got = '';
      sock.on('data', (d: Buffer) => (got += d.toString('latin1')));
      sock.on('close', () => resolve(got));
      sock.on('error', () => undefined);
    });
    expect(outcomes).toEqual(['http1']);
    expect(reply).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nGET \/health HTTP\/1\.1/);
  });

  /** A raw connection: what it received so far, and a poll for a condition on it. */
  const rawClient = (): { sock: net.Socket; frames: () => ReturnType<typeof parseFrames>; waitFor: (what: () => boolean) => Promise<void> } => {
    const sock = net.connect(port, '127.0.0.1');
    sock.on('error', () => undefined);
    let received = Buffer.alloc(0);
    sock.on('data', (d: Buffer) => (received = Buffer.concat([received, d])));
    const waitFor = async (what: () => boolean): Promise<void> => {
      const deadline = Date.now() + 5000;
      while (!what() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    };
    return { sock, frames: () => parseFrames(received), waitFor };
  };

  it('sends a server preface to a client that waits for one (gRPC-Go), and swallows its ACK', async () => {
    outcomes.length = 0;
    sessionErrors.length = 0;
    const { sock, frames, waitFor } = rawClient();
    try {
      sock.write(Buffer.concat([PREFACE, settings()]));
      await waitFor(() => frames().some((f) => f.type === FRAME.SETTINGS && f.flags === 0));
      expect(frames()[0]?.type).toBe(FRAME.SETTINGS);
      // ACK the probe's SETTINGS, then ask for something.
      const block = Buffer.concat([indexed(2), indexed(6), indexed(4), literal('without', 1, '127.0.0.1:2379')]);
      sock.write(Buffer.concat([frame(FRAME.SETTINGS, 0x1, 0, Buffer.alloc(0)), headers(1, block, FLAG.END_HEADERS | FLAG.END_STREAM)]));
      await waitFor(() => frames().some((f) => f.type === FRAME.DATA && f.streamId === 1));
      const body = frames().find((f) => f.type === FRAME.DATA && f.streamId === 1)?.payload.toString();
      expect(body).toBe('127.0.0.1:2379');
      expect(outcomes).toEqual(['native']);
      // nghttp2's own SETTINGS, ACKed now: it must take that as the answer to its frame, not as a stray one.
      sock.write(frame(FRAME.SETTINGS, 0x1, 0, Buffer.alloc(0)));
      await new Promise((r) => setTimeout(r, 100));
      expect(frames().some((f) => f.type === 0x7)).toBe(false); // no GOAWAY
      expect(sessionErrors).toEqual([]);
    } finally {
      sock.destroy();
    }
  });

  it("answers a client's PINGs while it waits for the first request, and still hands over the native socket", async () => {
    outcomes.length = 0;
    sessionErrors.length = 0;
    const { sock, frames, waitFor } = rawClient();
    try {
      sock.write(Buffer.concat([PREFACE, settings()]));
      await waitFor(() => frames().some((f) => f.type === FRAME.SETTINGS && f.flags === 0));
      sock.write(frame(FRAME.SETTINGS, 0x1, 0, Buffer.alloc(0)));
      // Longer than a client dialling many connections before its first request may take.
      await new Promise((r) => setTimeout(r, 600));
      const payload = Buffer.from('keepaliv');
      sock.write(frame(FRAME.PING, 0, 0, payload));
      await waitFor(() => frames().some((f) => f.type === FRAME.PING));
      const ack = frames().find((f) => f.type === FRAME.PING);
      expect(ack?.flags).toBe(0x1);
      expect(ack?.payload.equals(payload)).toBe(true);
      expect(outcomes).toEqual([]); // still deciding
      const block = Buffer.concat([indexed(2), indexed(6), indexed(4), literal('without', 1, '127.0.0.1:2379')]);
      sock.write(headers(1, block, FLAG.END_HEADERS | FLAG.END_STREAM));
      await waitFor(() => frames().some((f) => f.type === FRAME.DATA && f.streamId === 1));
      expect(frames().find((f) => f.type === FRAME.DATA && f.streamId === 1)?.payload.toString()).toBe('127.0.0.1:2379');
      expect(outcomes).toEqual(['native']);
      // nghttp2 never saw the PING the probe answered: exactly one PING ACK went out.
      expect(frames().filter((f) => f.type === FRAME.PING)).toHaveLength(1);
      expect(sessionErrors).toEqual([]);
    } finally {
      sock.destroy();
    }
  });

  it('ends a connection that floods PINGs while the probe waits', async () => {
    outcomes.length = 0;
    const closed = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, '127.0.0.1', () => sock.write(Buffer.concat([PREFACE, settings()])));
      let flooded = false;
      sock.on('data', () => {
        if (flooded) return;
        flooded = true; // the probe's SETTINGS: it is listening for PINGs now
        const pings = Array.from({ length: 100 }, (_, i) => frame(FRAME.PING, 0, 0, Buffer.alloc(8, i)));
        sock.write(Buffer.concat([frame(FRAME.SETTINGS, 0x1, 0, Buffer.alloc(0)), ...pings]));
      });
      sock.on('error', () => undefined);
      sock.on('close', () => resolve(true));
    });
    expect(closed).toBe(true);
    expect(outcomes).toEqual([]);
  });

  describe('a CONTINUATION flood ends the connection, whichever path it takes', () => {
    const prelude = (authority: string): Buffer => Buffer.concat([indexed(3), indexed(6), indexed(4), literal('without', 1, authority)]);
    const empty = frame(FRAME.CONTINUATION, 0, 3, Buffer.alloc(0));
    const flood = Buffer.concat([frame(FRAME.HEADERS, 0, 3, prelude('127.0.0.1:2379')), ...Array.from({ length: 50 }, () => empty)]);

    /**
     * Sends `first`, ACKs the probe's SETTINGS, and floods once stream 1 was answered (at once when
     * `first` asks nothing); resolves when the server closes the connection.
     */
    const closedBy = (first: Buffer, asks: boolean): Promise<void> =>
      new Promise((resolve) => {
        const sock = net.connect(port, '127.0.0.1', () => sock.write(first));
        let received = Buffer.alloc(0);
        let acked = false;
        let flooded = false;
        sock.on('data', (d: Buffer) => {
          received = Buffer.concat([received, d]);
          const frames = parseFrames(received);
          if (!acked && frames.some((f) => f.type === FRAME.SETTINGS && (f.flags & 1) === 0)) {
            acked = true;
            sock.write(frame(FRAME.SETTINGS, 0x1, 0, Buffer.alloc(0)));
          }
          if (acked && !flooded && (!asks || frames.some((f) => f.type === FRAME.DATA && f.streamId === 1))) {
            flooded = true;
            sock.write(flood);
          }
        });
        sock.on('error', () => undefined);
        sock.on('close', () => resolve());
      });

    it('while the probe is still deciding', async () => {
      outcomes.length = 0;
      await closedBy(Buffer.concat([PREFACE, settings()]), false);
      expect(outcomes).toEqual([]); // closed by the probe: nothing was handed on
    });

    it('on the rewriter path', async () => {
      outcomes.length = 0;
      await closedBy(Buffer.concat([PREFACE, settings(), headers(1, prelude('http://127.0.0.1:2379'))]), true);
      expect(outcomes).toEqual(['rewrite']);
    });

    it("on the native path (nghttp2's own limit)", async () => {
      outcomes.length = 0;
      await closedBy(Buffer.concat([PREFACE, settings(), headers(1, prelude('127.0.0.1:2379'))]), true);
      expect(outcomes).toEqual(['native']);
    });
  });
});
