// The JSON gateway at /v3/* (and /v3beta/*), built as etcd 3.4 builds its own: a gRPC client of
// this member's client port that turns each JSON request into the protobuf call and the answer
// back into JSON, with grpc-gateway's framing: `{"error","message","code"}` for a failed call,
// and for streams one `{"result":...}` line per response on a chunked 200.
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import type protobuf from 'protobufjs';
import { ERR } from '../errors.js';
import { httpError } from '../http/http-error.js';
import { httpStatusOf } from './http-status.js';
import { fromJson, goString, toJson } from './jsonpb.js';
import { readBody, readJson } from './json-value.js';
import { routeFor, type Route } from './routes.js';

const identity = (b: Buffer): Buffer => b;

function errorBody(code: grpc.status, message: string): string {
  const m = goString(message);
  return `{"error":${m},"message":${m},"code":${code}}`;
}

/** A call that failed: as grpc-gateway writes it, with the gRPC trailer when the call was made. */
function writeError(res: ServerResponse, code: grpc.status, message: string, called: boolean): void {
  if (res.headersSent) return;
  const body = errorBody(code, message);
  res.setHeader('Content-Type', 'application/json');
  if (called) {
    res.setHeader('Trailer', 'Grpc-Trailer-Content-Type');
    res.addTrailers({ 'Grpc-Trailer-Content-Type': 'application/grpc' });
  } else {
    res.setHeader('Content-Length', Buffer.byteLength(body));
  }
  res.writeHead(httpStatusOf(code));
  res.end(body);
}

/**
 * An error answered while the client is still sending its body: the answer is written whole at
 * once, but the connection ends only after the body (which readAll drops), because closing a
 * socket with unread bytes resets it, and a reset can discard the answer on the client's side
 * before it is read.
 */
function answerBeforeBodyEnds(req: IncomingMessage, res: ServerResponse, code: grpc.status, message: string): void {
  const body = errorBody(code, message);
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.writeHead(httpStatusOf(code));
  res.write(body);
  const end = (): void => {
    if (!res.writableEnded) res.end();
  };
  if (req.complete || req.destroyed) end();
  else {
    req.once('end', end);
    req.once('close', end);
  }
}

/**
 * grpc-gateway's incoming header mapping: `Grpc-Metadata-<key>` headers, and Authorization. A
 * header grpc-js cannot carry as metadata (a key or value outside what gRPC allows, e.g. non-ASCII
 * octets, or a `-bin` key) is left out: grpc-js throws on it, and a request must not take the
 * member down.
 */
function metadataOf(req: IncomingMessage): grpc.Metadata {
  const md = new grpc.Metadata();
  const add = (key: string, value: string, replace: boolean): void => {
    try {
      if (replace) md.set(key, value);
      else md.add(key, value);
    } catch {
      // not representable as gRPC metadata: dropped (see above)
    }
  };
  for (const [name, value] of Object.entries(req.headers)) {
    if (!name.startsWith('grpc-metadata-') || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) add(name.slice('grpc-metadata-'.length), v, false);
  }
  // etcd's gateway forwards Authorization; its gRPC server reads the token from either key.
  const token = req.headers.authorization;
  if (token !== undefined && token !== '') add('token', token, true);
  return md;
}

/**
 * The body, or undefined once it passes `limit` bytes. The rest is read and dropped, so that the
 * client, still sending, gets the answer rather than a reset; a body that goes on far beyond the
 * limit loses its connection instead.
 */
function readAll(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
      else if (chunks.length > 0 || size - c.length <= limit) {
        chunks.length = 0;
        resolve(undefined);
      } else if (size > 8 * limit) req.destroy();
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * The most JSON a request may send (or hold unparsed, on a stream): its bytes fields travel as
 * base64, a third larger than the request etcd would take, plus room for the JSON around them.
 * Anything longer could not fit in --max-request-bytes anyway; it is refused with etcd's error for
 * a request that is too large, and never held in memory.
 */
function bodyLimit(maxRequestBytes: number): number {
  return Math.ceil((maxRequestBytes * 4) / 3) + 1024 * 1024;
}

/** A response from the member as JSON; undefined if it does not decode. */
function render(type: protobuf.Type, bytes: Buffer): string | undefined {
  try {
    return toJson(type, type.decode(bytes));
  } catch {
    return undefined;
  }
}

export class JsonGateway {
  private client: grpc.Client | undefined;
  private readonly limit: number;

  constructor(maxRequestBytes: number) {
    this.limit = bodyLimit(maxRequestBytes);
  }

  /** Dials this member's client port ("host:port"); requests before that answer 503. */
  connect(target: string, credentials = grpc.credentials.createInsecure()): void {
    this.client = new grpc.Client(target, credentials, {
      'grpc.max_receive_message_length': -1,
      'grpc.max_send_message_length': -1,
      'grpc.enable_channelz': 0,
    });
  }

  close(): void {
    this.client?.close();
    this.client = undefined;
  }

  /** Serves a request for `path`, under /v3/ or /v3beta/. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): void {
    const route = routeFor(path);
    if (route === undefined) return httpError(res, 404, 'Not Found');
    if (req.method !== 'POST') return httpError(res, 405, 'Method Not Allowed');
    const client = this.client;
    if (client === undefined) return writeError(res, grpc.status.UNAVAILABLE, 'etcdserver: server stopped', false);
    if (route.requestStream) this.stream(client, route, req, res);
    else this.unary(client, route, req, res).catch(() => res.destroy()); // the request broke off
  }

  private async unary(client: grpc.Client, route: Route, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readAll(req, this.limit);
    if (body === undefined) {
      res.shouldKeepAlive = false;
      answerBeforeBodyEnds(req, res, ERR.requestTooLarge.code, ERR.requestTooLarge.message);
      return;
    }
    const parsed = readBody(body);
    if (!parsed.ok) return writeError(res, grpc.status.INVALID_ARGUMENT, parsed.message, false);
    const msg = fromJson(route.request, parsed.value);
    if (!msg.ok) return writeError(res, grpc.status.INVALID_ARGUMENT, msg.message, false);
    const arg = Buffer.from(route.request.encode(msg.message).finish());
    if (route.responseStream) {
      const call = client.makeServerStreamRequest(route.path, identity, identity, arg, metadataOf(req));
      this.forward(call, res, route.response);
      return;
    }
    const call = client.makeUnaryRequest(route.path, identity, identity, arg, metadataOf(req), (err, value) => {
      if (err !== null || value === undefined) {
        writeError(res, err?.code ?? grpc.status.UNKNOWN, err?.details ?? 'no response', true);
        return;
      }
      const body = render(route.response, value);
      if (body === undefined) return writeError(res, grpc.status.INTERNAL, 'undecodable response', true);
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Grpc-Metadata-Content-Type', 'application/grpc');
      res.setHeader('Content-Length', Buffer.byteLength(body));
      res.writeHead(200);
      res.end(body);
    });
    // A client that goes away cancels the call (a Lock or Campaign may be waiting), as grpc-gateway does.
    res.on('close', () => call.cancel());
  }

  /** A body of requests (Watch, LeaseKeepAlive): each is sent as soon as it has arrived whole. */
  private stream(client: grpc.Client, route: Route, req: IncomingMessage, res: ServerResponse): void {
    const call = client.makeBidiStreamRequest(route.path, identity, identity, metadataOf(req));
    let text = '';
    let pos = 0;
    let sent = 0;
    let reading = true;
    const pump = (final: boolean): void => {
      try {
        pumpOnce(final);
      } catch {
        // A body the codec cannot take (it should refuse it, not throw): this request ends, not the member.
        reading = false;
        call.cancel();
        res.destroy();
      }
    };
    const pumpOnce = (final: boolean): void => {
      while (reading) {
        const r = readJson(final ? `${text} ` : text, pos);
        if (r.kind === 'incomplete') break;
        const msg = r.kind === 'value' ? fromJson(route.request, r.value) : { ok: false as const, message: r.message };
        if (!msg.ok) {
          reading = false;
          // A bad first request fails the whole call (grpc-gateway reports it as Unknown, 500);
          // later ones just end what the client sends.
          if (sent === 0) {
            call.cancel();
            writeError(res, grpc.status.UNKNOWN, msg.message, false);
            return;
          }
          if (route.halfClose) call.end();
          return;
        }
        if (r.kind === 'value') pos = r.end;
        call.write(Buffer.from(route.request.encode(msg.message).finish()));
        sent++;
      }
      if (final && reading) {
        reading = false;
        if (route.halfClose) call.end();
      }
    };
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
      pump(false);
      if (pos > 65536) {
        text = text.slice(pos);
        pos = 0;
      }
      if (reading && text.length - pos > this.limit) {
        // One message still incomplete past the limit: this call ends, and its connection.
        reading = false;
        call.cancel();
        res.destroy();
      }
    });
    req.on('end', () => pump(true));
    // grpc-gateway reads the server's header metadata only after a first request went out.
    this.forward(call, res, route.response, () => sent > 0);
  }

  /** Writes streamed responses as grpc-gateway's ForwardResponseStream does. */
  private forward(
    call: grpc.ClientReadableStream<Buffer>,
    res: ServerResponse,
    response: protobuf.Type,
    headerMetadata: () => boolean = () => true,
  ): void {
    const start = (): void => {
      if (res.headersSent) return;
      res.setHeader('Content-Type', 'application/json');
      if (headerMetadata()) res.setHeader('Grpc-Metadata-Content-Type', 'application/grpc');
      res.writeHead(200);
    };
    call.on('metadata', start);
    call.on('data', (b: Buffer) => {
      start();
      const body = render(response, b);
      if (body === undefined) {
        call.cancel();
        return;
      }
      res.write(`{"result":${body}}\n`);
    });
    call.on('status', (s: grpc.StatusObject) => {
      if (s.code === grpc.status.OK || res.writableEnded) {
        if (!res.headersSent) start();
        res.end();
        return;
      }
      if (!res.headersSent) {
        writeError(res, s.code, s.details, true);
        return;
      }
      const http = httpStatusOf(s.code);
      res.end(
        `{"error":{"grpc_code":${s.code},"http_code":${http},"message":${goString(s.details)},"http_status":${goString(STATUS_CODES[http] ?? '')}}}`,
      );
    });
    call.on('error', () => undefined); // reported through 'status'
    res.on('close', () => call.cancel());
  }
}
