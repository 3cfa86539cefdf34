// nghttp2 itself (Node's HTTP/2 server) as the reference decoder: requests go
// through AuthorityFixingSocket into a plain Node HTTP/2 server, which must
// accept them and decode exactly the headers we expect.
import http2 from 'node:http2';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorityFixingSocket } from './authority-fixing-socket.js';
import { FLAG, FRAME, frame, headers, indexed, literal, PREFACE, settings } from '../../../test/support/h2-frames.js';

const cat = (...parts: Buffer[]): Buffer => Buffer.concat(parts);

describe('AuthorityFixingSocket in front of a Node HTTP/2 server', () => {
  const h2 = http2.createServer();
  const seen = new Map<number, http2.IncomingHttpHeaders>();
  let direct: net.Server;
  let fronted: net.Server;

  const listen = async (wrap: boolean): Promise<net.Server> => {
    const srv = net.createServer((sock) => h2.emit('connection', wrap ? new AuthorityFixingSocket(sock) : sock));
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    return srv;
  };
  const port = (srv: net.Server): number => (srv.address() as net.AddressInfo).port;

  beforeAll(async () => {
    h2.on('stream', (stream, hdrs) => {
      if (stream.id !== undefined) seen.set(stream.id, hdrs);
      stream.respond({ ':status': 200 });
      stream.end(String(hdrs[':authority'] ?? ''));
    });
    direct = await listen(false);
    fronted = await listen(true);
  });

  afterAll(() => {
    direct.close();
    fronted.close();
    h2.close();
  });

  const get = (client: http2.ClientHttp2Session, hdrs: http2.OutgoingHttpHeaders): Promise<string> =>
    new Promise((resolve) => {
      const req = client.request({ ':path': '/', ...hdrs });
      let body = '';
      req.setEncoding('latin1');
      req.on('data', (d: string) => (body += d));
      req.on('end', () => resolve(body));
      req.on('error', (e: Error) => resolve(`error: ${e.message}`));
    });

  it('nghttp2 alone refuses the :authority etcdctl sends (the bug being worked around)', async () => {
    const client = http2.connect(`http://127.0.0.1:${port(direct)}`);
    client.on('error', () => undefined);
    try {
      expect(await get(client, { ':authority': `http://127.0.0.1:${port(direct)}` })).toMatch(/PROTOCOL_ERROR/);
    } finally {
      client.destroy();
    }
  });

  it("keeps nghttp2's HPACK state in step over many requests (Huffman, indexing, evictions)", async () => {
    const client = http2.connect(`http://127.0.0.1:${port(fronted)}`);
    const authorities = ['http://127.0.0.1:2379', '127.0.0.1:2379', 'http://[::1]:2379/x', 'h%2F:1', 'a b'];
    try {
      for (let round = 0; round < 20; round++) {
        const batch = Array.from({ length: 20 }, (_, i) => {
          const authority = authorities[(round * 7 + i) % authorities.length] ?? '';
          // a fresh value per request keeps inserting into (and evicting from) the dynamic table
          const filler = `v${round}-${i}-${'x'.repeat((round * 31 + i * 17) % 300)}`;
          return get(client, { ':authority': authority, 'x-filler': filler, 'x-echo': authority }).then((body) => [authority, body]);
        });
        for (const [authority, body] of await Promise.all(batch)) expect(body).toBe(authority?.replace(/[/ ]/g, '_'));
      }
    } finally {
      client.close();
    }
  });

  it('decodes hand-made blocks as intended (dynamic names, CONTINUATION, padding, priority)', async () => {
    seen.clear();
    const base = cat(indexed(2), indexed(6), indexed(4)); // GET http /
    const block1 = cat(base, literal('incremental', ':authority', 'http://a:1', { huffman: true }), literal('incremental', 'x-k', 'one'));
    // x-k = 62, :authority = 63; a never-indexed literal under name 63, then value 63 itself
    const block3 = cat(base, literal('never', 63, 'http://b:2', { huffman: true }), indexed(62));
    const block5 = cat(base, indexed(63), literal('without', 62, 'two'));
    const priority = Buffer.from([0, 0, 0, 0, 16]);
    const block7 = cat(base, literal('incremental', 1, 'http://c:3/'));
    const eh = FLAG.END_HEADERS | FLAG.END_STREAM;
    const bytes = cat(
      PREFACE,
      settings(),
      headers(1, block1),
      frame(FRAME.HEADERS, FLAG.END_STREAM, 3, block3.subarray(0, 5)),
      frame(FRAME.CONTINUATION, FLAG.END_HEADERS, 3, block3.subarray(5)),
      frame(FRAME.HEADERS, eh | FLAG.PADDED | FLAG.PRIORITY, 5, cat(Buffer.from([3]), priority, block5, Buffer.alloc(3))),
      headers(7, block7),
      headers(9, cat(base, indexed(62), indexed(63))), // the c:3 authority and x-k, from the table
    );
    const sock = net.connect(port(fronted), '127.0.0.1');
    sock.on('error', () => undefined);
    try {
      // write in awkward pieces to exercise reassembly
      for (let at = 0; at < bytes.length; at += 7) sock.write(bytes.subarray(at, at + 7));
      const deadline = Date.now() + 5000;
      while (seen.size < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      const pick = (id: number) => ({ authority: seen.get(id)?.[':authority'], k: seen.get(id)?.['x-k'] });
      expect([1, 3, 5, 7, 9].map(pick)).toEqual([
        { authority: 'http:__a:1', k: 'one' },
        { authority: 'http:__b:2', k: 'one' },
        { authority: 'http:__a:1', k: 'two' },
        { authority: 'http:__c:3_', k: undefined },
        { authority: 'http:__c:3_', k: 'one' },
      ]);
    } finally {
      sock.destroy();
    }
  });
});
