// Hostile bytes against the client port's front, on a real member: mutated and random HTTP/2
// (from a valid preface + SETTINGS + HEADERS + DATA, with a valid and an etcdctl-style
// :authority, so both the native and the rewriter path are hit), mutated and random HTTP/1.1,
// and mutated and random TLS ClientHellos on an https:// client port. The member must stay up,
// still serve a real client, and keep its RSS bounded. FUZZ_SECONDS / FUZZ_SEED: test/support/fuzz.ts.
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdClient } from '../../src/client/index.js';
import { fuzzSettings, mutate, pieces, Rng, rssBytes } from '../support/fuzz.js';
import { data, FLAG, FRAME, frame, headers, indexed, literal, PREFACE, settings } from '../support/h2-frames.js';
import { startNode, type NodeHandle } from '../support/node.js';
import { freePort } from '../support/ports.js';

const { seconds, seed } = fuzzSettings(18);
const PARALLEL = 8;
/** A connection the server keeps open is dropped by the fuzzer after this long. */
const CONNECTION_BOUND_MS = 300;
const RSS_HEADROOM = 200 * 1024 * 1024;

/** A gRPC Range request for key "a", as a client would send it, with the given :authority. */
function h2Seed(authority: string): Buffer {
  const block = Buffer.concat([
    indexed(3), // :method POST
    indexed(6), // :scheme http
    literal('without', 4, '/etcdserverpb.KV/Range', { huffman: true }),
    literal('without', 1, authority),
    literal('without', 'content-type', 'application/grpc'),
    literal('without', 'te', 'trailers'),
  ]);
  const rangeA = Buffer.from([0x0a, 0x01, 0x61]);
  const message = Buffer.concat([Buffer.from([0, 0, 0, 0, rangeA.length]), rangeA]);
  return Buffer.concat([PREFACE, settings(), headers(1, block, FLAG.END_HEADERS), data(1, message, FLAG.END_STREAM)]);
}

/** The same request with its header block cut into HEADERS + CONTINUATION frames. */
function h2ContinuationSeed(authority: string): Buffer {
  const whole = h2Seed(authority);
  const block = whole.subarray(PREFACE.length + 9 + 9, whole.length - 9 - 8);
  const half = block.length >> 1;
  return Buffer.concat([
    PREFACE,
    settings(),
    frame(FRAME.HEADERS, 0, 1, block.subarray(0, half)),
    frame(FRAME.CONTINUATION, FLAG.END_HEADERS, 1, block.subarray(half)),
    whole.subarray(whole.length - 9 - 8),
  ]);
}

const HTTP1_SEEDS = [
  'GET /health HTTP/1.1\r\nHost: x\r\n\r\n',
  'POST /v3/kv/range HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 14\r\n\r\n{"key":"YQ=="}',
  'POST /v3/watch HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n22\r\n{"create_request":{"key":"YQ=="}}\r\n0\r\n\r\n',
  'POST /v3/lease/grant HTTP/1.1\r\nHost: x\r\nAuthorization: t\r\nGrpc-Metadata-k: v\r\nContent-Length: 9\r\n\r\n{"TTL":5}',
].map((s) => Buffer.from(s, 'latin1'));

/** A real ClientHello (ALPN h2, SNI), captured from node:tls against a listener that only records. */
async function captureClientHello(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer((s) => {
      s.once('data', (d: Buffer) => {
        resolve(d);
        s.destroy();
        srv.close();
      });
    });
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      const c = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ALPNProtocols: ['h2'], rejectUnauthorized: false });
      c.on('error', () => undefined);
    });
    srv.on('error', reject);
  });
}

interface Stats {
  connections: number;
  closedByServer: number;
  keptOpen: number;
  kinds: Record<string, number>;
}

/** Writes `chunks` on a fresh connection; resolves once the server closes it or the bound passes. */
function shoot(port: number, chunks: Buffer[], stats: Stats): Promise<void> {
  return new Promise((resolve) => {
    stats.connections++;
    const sock = net.connect(port, '127.0.0.1', () => {
      for (const c of chunks) if (!sock.destroyed) sock.write(c);
    });
    let done = false;
    const end = (byServer: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (byServer) stats.closedByServer++;
      else stats.keptOpen++;
      sock.destroy();
      resolve();
    };
    const timer = setTimeout(() => end(false), CONNECTION_BOUND_MS);
    sock.on('data', () => undefined);
    sock.on('error', () => end(true));
    sock.on('close', () => end(true));
  });
}

describe(`client front under hostile bytes (${seconds} s, FUZZ_SEED=${seed})`, () => {
  let node: NodeHandle;
  let tlsPort = 0;
  let clientHello: Buffer;

  beforeAll(async () => {
    tlsPort = await freePort();
    node = await startNode({ target: 'raftkv', extraFlags: ['--auto-tls'], extraClientUrls: [`https://127.0.0.1:${tlsPort}`] });
    clientHello = await captureClientHello();
  });
  afterAll(async () => {
    await node?.stop();
  });

  it('stays up, serves a real client, and keeps its RSS bounded', { timeout: (seconds + 60) * 1000 }, async () => {
    const client = new EtcdClient([node.endpoint], { timeoutMs: 5000 });
    try {
      await client.put('a', 'before');
      const rssStart = rssBytes(node.pid);
      let rssPeak = rssStart;
      const rng = new Rng(seed);
      const stats: Stats = { connections: 0, closedByServer: 0, keptOpen: 0, kinds: {} };
      const h2Seeds = [h2Seed('127.0.0.1:2379'), h2Seed('http://127.0.0.1:2379'), h2ContinuationSeed('http://127.0.0.1:2379'), h2ContinuationSeed('127.0.0.1:2379')];

      /** One case: what to send and where. */
      const nextCase = (): { kind: string; port: number; bytes: Buffer } => {
        const r = rng.int(100);
        if (r < 45) {
          const base = rng.pick(h2Seeds);
          // Mostly keep the preface whole, so the bytes get past the probe into the frame parsers.
          const keep = rng.chance(0.85) ? PREFACE.length : 0;
          return { kind: 'h2-mutated', port: node.clientPort, bytes: Buffer.concat([base.subarray(0, keep), mutate(rng, base.subarray(keep), 6)]) };
        }
        if (r < 55) return { kind: 'h2-random', port: node.clientPort, bytes: Buffer.concat([PREFACE, rng.bytes(rng.size(4096))]) };
        if (r < 70) return { kind: 'http1-mutated', port: node.clientPort, bytes: mutate(rng, rng.pick(HTTP1_SEEDS), 6) };
        if (r < 75) return { kind: 'http1-random', port: node.clientPort, bytes: rng.bytes(rng.size(4096)) };
        if (r < 95) return { kind: 'tls-mutated', port: tlsPort, bytes: mutate(rng, clientHello, 6) };
        return { kind: 'tls-random', port: tlsPort, bytes: Buffer.concat([Buffer.from([0x16, 0x03, 0x01]), rng.bytes(rng.size(2048))]) };
      };

      const deadline = Date.now() + seconds * 1000;
      const worker = async (): Promise<void> => {
        while (Date.now() < deadline) {
          const c = nextCase();
          stats.kinds[c.kind] = (stats.kinds[c.kind] ?? 0) + 1;
          await shoot(c.port, pieces(rng, c.bytes), stats);
          if (stats.connections % 50 === 0) {
            expect(node.running, `member died; seed ${seed}; log:\n${node.logTail(40)}`).toBe(true);
            rssPeak = Math.max(rssPeak, rssBytes(node.pid));
          }
        }
      };
      await Promise.all(Array.from({ length: PARALLEL }, worker));

      expect(node.running, `member died; seed ${seed}; log:\n${node.logTail(40)}`).toBe(true);
      const rssEnd = rssBytes(node.pid);
      rssPeak = Math.max(rssPeak, rssEnd);
      const mib = (n: number): string => `${(n / 1048576).toFixed(1)} MiB`;
      console.log(
        `client-front fuzz: seed ${seed}, ${seconds} s, ${stats.connections} connections ` +
          `(${stats.closedByServer} closed by the member, ${stats.keptOpen} kept open and dropped), ` +
          `kinds ${JSON.stringify(stats.kinds)}; RSS start ${mib(rssStart)}, peak ${mib(rssPeak)}, end ${mib(rssEnd)}`,
      );
      // A real client still gets served, over a fresh connection too.
      await client.put('a', 'after');
      expect((await client.range('a')).kvs.map((kv) => Buffer.from(kv.value).toString())).toEqual(['after']);
      const fresh = new EtcdClient([node.endpoint], { timeoutMs: 5000 });
      try {
        expect((await fresh.range('a')).count).toBe(1);
      } finally {
        fresh.close();
      }
      expect(rssPeak).toBeLessThan(rssStart + RSS_HEADROOM);
    } finally {
      client.close();
    }
  });
});
