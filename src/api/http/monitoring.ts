// The monitoring endpoints, served on the client port and on --listen-metrics-urls: /health,
// /metrics, and (on the metrics listeners only) /livez and /readyz.
import type http from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { httpError } from './http-error.js';
import { serveProbe, type Probes } from './probes.js';

export interface MonitoringApi {
  /** etcd's /health verdict: a leader is known and no alarm is raised. */
  healthy(): boolean;
  metrics: Registry;
  /** The probes; absent, /livez and /readyz are not served. */
  probes?: Probes;
}

export function getOnly(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (req.method === 'GET') return true;
  res.setHeader('Allow', 'GET');
  httpError(res, 405, 'Method Not Allowed');
  return false;
}

export class Monitoring {
  constructor(
    private readonly api: MonitoringApi,
    private readonly logger: Logger,
  ) {}

  /** Serves `path` if it is a monitoring endpoint; false leaves the request to the caller. */
  serve(req: http.IncomingMessage, res: http.ServerResponse, url: URL): boolean {
    switch (url.pathname) {
      case '/health':
        this.health(req, res);
        return true;
      case '/metrics':
        void this.metrics(res);
        return true;
      case '/livez':
      case '/readyz': {
        const probes = this.api.probes;
        if (probes === undefined) return false;
        if (!getOnly(req, res)) return true;
        const which = url.pathname === '/livez' ? 'livez' : 'readyz';
        void serveProbe(req, res, which, probes[which], url.searchParams.has('verbose'));
        return true;
      }
      default:
        return false;
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
