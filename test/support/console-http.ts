// The web console's HTTP API as a browser would call it: plain GETs (http or https, with the
// cluster's CA and client certificate), and a Server-Sent Events reader for /ui/api/stream.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { ClientTls } from '../../src/client/index.js';

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  tls?: ClientTls;
}

function agentOptions(tls: ClientTls | undefined): https.RequestOptions {
  if (tls === undefined) return {};
  const read = (f: string | undefined): Buffer | undefined => (f === undefined ? undefined : readFileSync(f));
  return { ca: read(tls.caFile), cert: read(tls.certFile), key: read(tls.keyFile) };
}

function requestOf(url: string, o: RequestOptions, onResponse: (res: http.IncomingMessage) => void): http.ClientRequest {
  const opts = { method: o.method ?? 'GET', headers: o.headers ?? {}, ...agentOptions(o.tls) };
  return url.startsWith('https:') ? https.request(url, opts, onResponse) : http.request(url, opts, onResponse);
}

export function request(url: string, o: RequestOptions = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = requestOf(url, o, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(15_000, () => req.destroy(new Error(`no answer from ${url}`)));
    req.on('error', reject);
    req.end();
  });
}

/** A GET whose answer must be JSON; the parsed body beside the status. */
export async function getJson<T>(url: string, o: RequestOptions = {}): Promise<{ status: number; body: T; headers: http.IncomingHttpHeaders }> {
  const a = await request(url, o);
  let body: T;
  try {
    body = JSON.parse(a.body) as T;
  } catch {
    throw new Error(`${url}: ${a.status} answered ${JSON.stringify(a.body.slice(0, 200))}, not JSON`);
  }
  return { status: a.status, body, headers: a.headers };
}

export interface SseEvent {
  event: string;
  data: string;
}

export interface SseStream {
  /** Events as they arrived (comments are counted in `comments`). */
  events: SseEvent[];
  comments: string[];
  status: number | undefined;
  headers: http.IncomingHttpHeaders | undefined;
  /** Resolves when the server ends the response (or the connection fails). */
  ended: Promise<void>;
  close(): void;
}

/** Opens an event stream and parses it as the EventSource spec does (event, data, blank line). */
export function openSse(url: string, o: RequestOptions = {}): SseStream {
  let partial = '';
  let cur: { event: string; data: string[] } = { event: 'message', data: [] };
  let endResolve: () => void = () => undefined;
  const ended = new Promise<void>((r) => (endResolve = r));
  const s: SseStream = { events: [], comments: [], status: undefined, headers: undefined, ended, close: () => req.destroy() };
  const line = (l: string): void => {
    if (l === '') {
      if (cur.data.length > 0) s.events.push({ event: cur.event, data: cur.data.join('\n') });
      cur = { event: 'message', data: [] };
      return;
    }
    if (l.startsWith(':')) {
      s.comments.push(l.slice(1).trim());
      return;
    }
    const colon = l.indexOf(':');
    const field = colon < 0 ? l : l.slice(0, colon);
    const value = colon < 0 ? '' : l.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') cur.event = value;
    else if (field === 'data') cur.data.push(value);
  };
  const req = requestOf(url, o, (res) => {
    s.status = res.statusCode;
    s.headers = res.headers;
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      partial += chunk;
      const parts = partial.split(/\r\n|\r|\n/);
      partial = parts.pop() ?? '';
      for (const p of parts) line(p);
    });
    res.on('end', endResolve);
    res.on('close', endResolve);
    res.on('error', endResolve);
  });
  req.on('error', endResolve);
  req.end();
  return s;
}

/**
 * Whether a lease ID from the console API (hex, unpadded) is the one etcdctl printed (hex,
 * zero-padded to 16 digits): a string comparison misses IDs that start with a zero.
 */
export function sameLeaseId(apiId: string, etcdctlId: string): boolean {
  return BigInt(`0x${apiId}`) === BigInt(`0x${etcdctlId}`);
}
