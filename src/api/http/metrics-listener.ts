// --listen-metrics-urls: listeners of their own that serve only the monitoring endpoints (etcd
// serves /metrics and /health there; raftkv adds 3.5's /livez and /readyz, which kubeadm probes).
// https:// URLs use the client certificate, as etcd's metrics listeners do.
import http from 'node:http';
import https from 'node:https';
import type { Logger } from 'pino';
import { TlsMaterial } from '../../tls/material.js';
import { hasCert, type TlsSettings } from '../../tls/settings.js';
import { formatAddress, listenAddresses, type ListenAddress } from '../h2/client-front.js';
import { httpError } from './http-error.js';
import type { Monitoring } from './monitoring.js';

export class MetricsListener {
  private readonly servers: http.Server[] = [];

  constructor(
    private readonly urls: readonly string[],
    private readonly monitoring: Monitoring,
    private readonly tls: TlsSettings | undefined,
    private readonly logger: Logger,
  ) {}

  /** Listens on every address of every URL; returns what was bound. */
  async run(): Promise<ListenAddress[]> {
    const bound: ListenAddress[] = [];
    for (const url of this.urls) {
      const secure = new URL(url).protocol === 'https:';
      if (secure && (this.tls === undefined || !hasCert(this.tls))) {
        throw new Error(`TLS key/cert (--cert-file, --key-file) must be provided for metrics url ${url} with HTTPS scheme`);
      }
      for (const a of await listenAddresses(url)) {
        const server = secure ? this.httpsServer(this.tls!) : http.createServer((req, res) => this.serve(req, res));
        server.on('clientError', (_err, socket) => socket.destroy());
        const port = await new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ host: a.host, port: a.port }, () => {
            server.off('error', reject);
            const addr = server.address();
            resolve(addr !== null && typeof addr === 'object' ? addr.port : a.port);
          });
        });
        this.servers.push(server);
        bound.push({ host: a.host, port });
        this.logger.info({ address: formatAddress({ host: a.host, port }) }, 'serving metrics and health');
      }
    }
    return bound;
  }

  stop(): Promise<void> {
    return Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    ).then(() => undefined);
  }

  private httpsServer(tls: TlsSettings): https.Server {
    const { files } = new TlsMaterial(tls).current();
    const verify = tls.clientCertAuth || tls.trustedCaFile !== '';
    return https.createServer({ cert: files.cert, key: files.key, ca: files.ca, requestCert: verify, rejectUnauthorized: verify }, (req, res) =>
      this.serve(req, res),
    );
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    req.on('error', () => undefined);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://metrics');
    } catch {
      httpError(res, 404, '404 page not found');
      return;
    }
    if (!this.monitoring.serve(req, res, url)) httpError(res, 404, '404 page not found');
  }
}
