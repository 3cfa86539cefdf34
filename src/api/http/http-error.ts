import type { ServerResponse } from 'node:http';

/** Go's http.Error, which etcd's HTTP handlers answer with: plain text, newline-terminated. */
export function httpError(res: ServerResponse, status: number, text: string): void {
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Length', Buffer.byteLength(text) + 1);
  res.writeHead(status);
  res.end(`${text}\n`);
}
