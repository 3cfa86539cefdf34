// HTTP/1.1 on the client port, as etcd 3.4 serves it beside gRPC: /health, /version, /metrics
// and the JSON gateway under /v3/ and /v3beta/. A node:http server that never listens: the
// client front hands it the connections that are not HTTP/2.
import http from 'node:http';
import type net from 'node:net';
import type { Logger } from 'pino';
import type { JsonGateway } from '../gateway/gateway.js';
import { httpError } from './http-error.js';
import { getOnly, type Monitoring } from './monitoring.js';

export interface HttpApi {
  monitoring: Monitoring;
  versions: { etcdserver: string; etcdcluster: string };
  gateway: JsonGateway;
  /** --enable-pprof: serves /debug/pprof/ when present. */
  pprof?: { serve(req: http.IncomingMessage, res: http.ServerResponse, url: URL): boolean };
  /** The web console under /ui (absent with --enable-ui=false: /ui is then not found). */
  console?: { serve(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void };
}

/** The request's target as a URL; undefined for a target that is not a path. */
function urlOf(req: http.IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', 'http://client');
  } catch {
    return undefined;
  }
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
    const url = urlOf(req);
    const path = url?.pathname ?? '';
    if (url !== undefined && (path === '/ui' || path.startsWith('/ui/'))) {
      if (this.api.console !== undefined) this.api.console.serve(req, res, url);
      else httpError(res, 404, '404 page not found');
      return;
    }
    // etcd's client handler allows any origin (its --cors default).
    res.setHeader('Access-Control-Allow-Headers', 'accept, content-type, authorization');
    res.setHeader('Access-Control-Allow-Methods', 'POST, GET, OPTIONS, PUT, DELETE');
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (req.method === 'OPTIONS') {
      res.end();
      return;
    }
    if (path.startsWith('/v3/') || path.startsWith('/v3beta/')) {
      this.api.gateway.handle(req, res, path);
      return;
    }
    if (url !== undefined && this.api.monitoring.serve(req, res, url)) return;
    if (url !== undefined && this.api.pprof?.serve(req, res, url) === true) return;
    if (path === '/version') {
      if (!getOnly(req, res)) return;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(this.api.versions));
      return;
    }
    httpError(res, 404, '404 page not found');
  }
}
