// HTTP/1.1 on the client port, as etcd 3.4 serves it beside gRPC: /health, /version, /metrics
// and the JSON gateway under /v3/ and /v3beta/. A node:http server that never listens: the
// client front hands it the connections that are not HTTP/2.
import http from 'node:http';
import type net from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { JsonGateway } from '../gateway/gateway.js';
import { httpError } from './http-error.js';

export interface HttpApi {
  /** etcd's /health verdict: a leader is known and no alarm is raised. */
  healthy(): boolean;
  versions: { etcdserver: string; etcdcluster: string };
  metrics: Registry;
  gateway: JsonGateway;
}

/** The request's path without its query; '' for a target that is not a path. */
function pathOf(req: http.IncomingMessage): string {
  try {
    return new URL(req.url ?? '/', 'http://client').pathname;
  } catch {
    return '';
  }
}

function getOnly(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (req.method === 'GET') return true;
  res.setHeader('Allow', 'GET');
  httpError(res, 405, 'Method Not Allowed');
  return false;
}

export class HttpFront {
  private readonly server: http.Server;

  constructor(
    private readonly api: HttpApi,
    private readonly logger: Logger,
  ) {
    this.server = http.createServer((req, res) => {
      try {
        this.serve(req, res);
      } catch (err) {
        // A request that trips a handler ends its own connection, never the member.
        this.logger.error({ err, url: req.url }, 'serving an HTTP request failed');
        res.destroy();
      }
    });
    this.server.on('clientError', (_err, socket) => socket.destroy());
  }

  /** Serves one connection the client front has told apart as HTTP/1.1. */
  accept(socket: net.Socket): void {
    this.server.emit('connection', socket);
    // The probe left it paused with its first bytes put back; node:http does not resume it.
    socket.resume();
  }

  close(): void {
    this.server.closeAllConnections();
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    req.on('error', () => undefined); // a client that breaks off; 'close' cleans up
    // etcd's client handler allows any origin (its --cors default).
    res.setHeader('Access-Control-Allow-Headers', 'accept, content-type, authorization');
    res.setHeader('Access-Control-Allow-Methods', 'POST, GET, OPTIONS, PUT, DELETE');
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (req.method === 'OPTIONS') {
      res.end();
      return;
    }
    const path = pathOf(req);
    if (path.startsWith('/v3/') || path.startsWith('/v3beta/')) {
      this.api.gateway.handle(req, res, path);
      return;
    }
    switch (path) {
      case '/health':
        return this.health(req, res);
      case '/version':
        if (!getOnly(req, res)) return;
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify(this.api.versions));
        return;
      case '/metrics':
        void this.metrics(res);
        return;
      default:
        httpError(res, 404, '404 page not found');
    }
  }

  private health(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (!getOnly(req, res)) return;
    if (this.api.healthy()) {
      const body = '{"health":"true"}';
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length });
      res.end(body);
    } else {
      httpError(res, 503, '{"health":"false"}');
    }
  }

  private async metrics(res: http.ServerResponse): Promise<void> {
    try {
      const text = await this.api.metrics.metrics();
      res.writeHead(200, { 'Content-Type': this.api.metrics.contentType });
      res.end(text);
    } catch (err) {
      this.logger.error({ err }, 'collecting metrics failed');
      httpError(res, 500, 'An error has occurred while serving metrics');
    }
  }
}
