// The client port's listeners: our own net.Servers whose connections reach
// grpc-js through a connection injector. Connections whose :authority nghttp2
// would refuse (etcdctl's "http://host:port") are wrapped so it is made
// acceptable first; the others are handed over as native sockets. On https://
// URLs a TlsTerminator decrypts first, and the decrypted socket takes the same path.
import * as grpc from '@grpc/grpc-js';
import { promises as dns } from 'node:dns';
import net from 'node:net';
import type { Logger } from 'pino';
import type { TlsSettings } from '../../tls/settings.js';
import { TlsTerminator } from '../../tls/terminator.js';
import { AuthorityFixingSocket } from './authority-fixing-socket.js';
import { probeConnection } from './connection-probe.js';
import { dropDestroyedStreams } from './destroyed-stream-guard.js';

export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * The addresses to listen on for an http:// or https:// URL, as grpc-js bindAsync resolves
 * them: an IP literal as is, a host name through dns.lookup (every family).
 */
export async function listenAddresses(url: string): Promise<ListenAddress[]> {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`unsupported URL scheme in ${url} (only http and https are supported)`);
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  const defaultPort = u.protocol === 'https:' ? 443 : 80;
  const port = u.port === '' ? defaultPort : Number(u.port); // URL drops an explicit default port
  if (net.isIP(host) !== 0) return [{ host, port }];
  const found = await dns.lookup(host, { all: true });
  if (found.length === 0) throw new Error(`no addresses for ${host}`);
  return found.map((a) => ({ host: a.address, port }));
}

export function formatAddress(a: ListenAddress): string {
  return net.isIPv6(a.host) ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

export class ClientFront {
  private readonly injector: grpc.ConnectionInjector;
  private readonly servers: net.Server[] = [];
  private readonly closed: Promise<void>[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly tls: TlsTerminator | undefined;

  /**
   * `http1`: takes connections that are not HTTP/2 (etcd serves HTTP/1.1 beside gRPC on the
   * client port); without it they go to nghttp2, which refuses them.
   */
  constructor(
    grpcServer: grpc.Server,
    private readonly logger: Logger,
    private readonly http1?: (socket: net.Socket) => void,
    tls?: TlsSettings,
  ) {
    dropDestroyedStreams(grpcServer);
    this.injector = grpcServer.createConnectionInjector(grpc.ServerCredentials.createInsecure());
    // Over TLS etcdctl sends a plain host:port :authority, so the TLSSocket itself usually reaches
    // grpc-js, which then shows calls the client's certificate.
    this.tls = tls === undefined ? undefined : new TlsTerminator(tls, logger, (socket) => this.route(socket));
  }

  /**
   * Listens on every address of `url`; succeeds if at least one binds (as
   * bindAsync does). Port 0 binds the first address to any port and the rest
   * to that same port. Returns the bound addresses.
   */
  async listen(url: string): Promise<ListenAddress[]> {
    const addresses = await listenAddresses(url);
    const secure = new URL(url).protocol === 'https:';
    if (secure && this.tls === undefined) throw new Error(`TLS key/cert (--cert-file, --key-file) must be provided for client url ${url} with HTTPS scheme`);
    const bound: ListenAddress[] = [];
    const errors: string[] = [];
    let port = addresses[0]?.port ?? 0;
    for (const a of addresses) {
      try {
        const actual = await this.listenOne(a.host, port, secure);
        if (port === 0) port = actual;
        bound.push({ host: a.host, port: actual });
      } catch (e) {
        errors.push(e instanceof Error ? e.message : String(e));
      }
    }
    if (bound.length === 0) {
      throw new Error(`No address added out of total ${addresses.length} resolved for ${url} errors: [${errors.join(',')}]`);
    }
    if (errors.length > 0) this.logger.warn({ url, errors }, 'could not listen on every address of the client URL');
    return bound;
  }

  private listenOne(host: string, port: number, secure: boolean): Promise<number> {
    const server = net.createServer({ noDelay: true }, (socket) => (secure ? this.acceptTls(socket) : this.accept(socket)));
    return new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port }, () => {
        server.off('error', reject);
        server.on('error', (err) => this.logger.error({ err }, 'client listener error'));
        this.servers.push(server);
        this.closed.push(new Promise<void>((done) => server.once('close', () => done())));
        const addr = server.address();
        resolve(addr !== null && typeof addr === 'object' ? addr.port : port);
      });
    });
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    this.route(socket);
  }

  private route(socket: net.Socket): void {
    probeConnection(socket, (o) => {
      if (socket.destroyed) return;
      if (o.kind === 'rewrite') {
        this.injector.injectConnection(new AuthorityFixingSocket(socket, o.rewriter, o.forwarded));
        return;
      }
      // The next reader (nghttp2 or the HTTP/1.1 server) reads what the socket holds before the rest.
      socket.unshift(o.buffered);
      if (o.kind === 'http1' && this.http1 !== undefined) this.http1(socket);
      else this.injector.injectConnection(socket); // nghttp2 answers a stranger with GOAWAY
    });
  }

  private acceptTls(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    this.tls?.accept(socket);
  }

  /** Stops accepting and asks open HTTP/2 sessions to finish (GOAWAY); they are destroyed after graceMs. */
  drain(graceMs: number): void {
    for (const s of this.servers) if (s.listening) s.close();
    this.injector.drain(graceMs);
  }

  /** Tears everything down; resolves once the listeners are closed. */
  async destroy(): Promise<void> {
    this.injector.destroy();
    for (const s of this.servers) if (s.listening) s.close();
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.closed);
  }
}
