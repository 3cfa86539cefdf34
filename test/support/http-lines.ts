// A long-lived POST to a JSON gateway stream (watch, observe): its response lines as they arrive,
// and the status and grpc-gateway headers once the response has begun.
import http from 'node:http';

export interface LineStream {
  lines: string[];
  head: { status: number | undefined; contentType: string | undefined; grpcMetadata: string | string[] | undefined; transferEncoding: string | undefined } | undefined;
  close: () => void;
}

export function openLineStream(url: string, body: string): LineStream {
  const lines: string[] = [];
  let partial = '';
  const stream: LineStream = { lines, head: undefined, close: () => req.destroy() };
  const req = http.request(url, { method: 'POST' }, (res) => {
    const h = res.headers;
    stream.head = { status: res.statusCode, contentType: h['content-type'], grpcMetadata: h['grpc-metadata-content-type'], transferEncoding: h['transfer-encoding'] };
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      partial += chunk;
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
    });
    res.on('error', () => undefined);
  });
  req.on('error', () => undefined);
  req.end(body);
  return stream;
}
