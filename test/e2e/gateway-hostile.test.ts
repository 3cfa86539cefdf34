// Requests on the client port's HTTP/1.1 side that once took the member down (an exception
// escaping a request handler): each must end with an answer or a closed connection, and the
// member must go on serving.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNode, type NodeHandle } from '../support/node.js';

/**
 * Sends `request` (latin1) on a fresh connection; resolves with what was received until the
 * server closes, or (a stream's 200, which stays open) until the response headers are in.
 */
function rawHttp(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1', () => sock.write(Buffer.from(request, 'latin1')));
    let got = '';
    sock.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (/^HTTP\/1\.1 200 [\s\S]*\r\n\r\n/.test(got)) sock.destroy();
    });
    sock.on('error', () => undefined);
    sock.on('close', () => resolve(got));
  });
}

function post(path: string, headers: string[], body: string): string {
  return [`POST ${path} HTTP/1.1`, 'Host: x', 'Connection: close', `Content-Length: ${Buffer.byteLength(body, 'latin1')}`, ...headers, '', body].join('\r\n');
}

describe('gateway: hostile requests end their own connection, never the member', () => {
  let node: NodeHandle;
  beforeAll(async () => {
    node = await startNode({ target: 'raftkv' });
  });
  afterAll(async () => {
    await node.stop();
  });

  const health = async (): Promise<void> => {
    const reply = await rawHttp(node.clientPort, 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 200 /);
    expect(node.running).toBe(true);
  };

  const watch = '{"create_request":{"key":"YQ=="}}';
  const cases: Array<[string, string, string[], string]> = [
    ['non-ASCII Authorization on a streaming route', '/v3/watch', ['Authorization: tok\xe9n'], watch],
    ['non-ASCII Authorization on a unary route', '/v3/kv/range', ['Authorization: tok\xe9n'], '{"key":"YQ=="}'],
    ['a metadata key gRPC does not allow', '/v3/watch', ['Grpc-Metadata-A!b: x'], watch],
    ['a -bin metadata key', '/v3/lease/keepalive', ['Grpc-Metadata-X-Bin: x'], '{}'],
  ];
  for (const [name, path, headers, body] of cases) {
    it(`${name}: the call goes on without that header`, async () => {
      const reply = await rawHttp(node.clientPort, post(path, headers, body));
      expect(reply).toMatch(/^HTTP\/1\.1 200 /);
      await health();
    });
  }

  it('JSON nested past the depth limit on a streaming route: refused like any bad first request', async () => {
    const reply = await rawHttp(node.clientPort, post('/v3/watch', [], '['.repeat(200_000)));
    expect(reply).toMatch(/^HTTP\/1\.1 500 [\s\S]*"exceeded max depth"/);
    await health();
  });

  // --max-request-bytes is 1.5 MiB by default: its JSON (base64 bytes, 4/3) plus 1 MiB is the most
  // a request may send; the member reads no further.
  it('a unary body larger than any request it could carry: etcd\'s "request is too large", 400', async () => {
    const reply = await rawHttp(node.clientPort, post('/v3/kv/put', [], `{"key":"YQ==","value":"${'A'.repeat(8 * 1024 * 1024)}"}`));
    expect(reply).toMatch(/^HTTP\/1\.1 400 [\s\S]*"etcdserver: request is too large"/);
    await health();
  });

  it('a streaming route whose one message never ends: the connection is closed', async () => {
    const reply = await rawHttp(node.clientPort, post('/v3/watch', [], `{"create_request":{"key":"${'A'.repeat(8 * 1024 * 1024)}`));
    expect(reply).not.toMatch(/^HTTP\/1\.1 200 /);
    await health();
  });

  it('JSON nested past the depth limit on a unary route: 400', async () => {
    const reply = await rawHttp(node.clientPort, post('/v3/kv/put', [], '{"key":'.repeat(200_000)));
    expect(reply).toMatch(/^HTTP\/1\.1 400 [\s\S]*"exceeded max depth"/);
    await health();
  });
});
