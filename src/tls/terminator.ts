// Server-side TLS for a listener we accept on ourselves: accepted TCP sockets go into a tls.Server
// that never listens, and come out decrypted, handshake and client verification done. Before
// each connection the files are checked, and a renewed certificate or CA replaces the context.
import type net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import { opensslCiphers } from './cipher-suites.js';
import { TlsMaterial, type TlsFiles } from './material.js';
import type { TlsSettings } from './settings.js';

/** The subject CN of a verified client certificate, or undefined. */
export function verifiedCn(socket: tls.TLSSocket): string | undefined {
  if (!socket.authorized) return undefined;
  const cn = socket.getPeerCertificate().subject?.CN;
  return typeof cn === 'string' && cn !== '' ? cn : undefined;
}

export class TlsTerminator {
  private readonly server: tls.Server;
  private readonly material: TlsMaterial;
  private readonly ciphers: string | undefined;

  constructor(
    private readonly settings: TlsSettings,
    private readonly logger: Logger,
    onSecure: (socket: tls.TLSSocket) => void,
  ) {
    this.material = new TlsMaterial(settings);
    this.ciphers = opensslCiphers(settings.cipherSuites);
    const { files } = this.material.current();
    // As etcd's transport does: a trusted CA file alone also makes a verified client certificate
    // required. So every connection that carries a client certificate has had it verified.
    const verifyClients = settings.clientCertAuth || settings.trustedCaFile !== '';
    this.server = tls.createServer({
      ...this.contextOptions(files),
      requestCert: verifyClients,
      rejectUnauthorized: verifyClients,
      ALPNProtocols: ['h2'],
    });
    this.server.on('secureConnection', (socket: tls.TLSSocket) => {
      if (!this.allowed(socket)) {
        socket.destroy();
        return;
      }
      onSecure(socket);
    });
    this.server.on('tlsClientError', (err, socket) => {
      this.logger.warn({ err: err.message, remote: socket.remoteAddress }, 'rejected connection: TLS handshake failed');
      socket.destroy();
    });
  }

  /** Runs the handshake on an accepted socket; onSecure gets it once it passed. */
  accept(socket: net.Socket): void {
    this.reload();
    this.server.emit('connection', socket);
  }

  private reload(): void {
    try {
      const { files, changed } = this.material.current();
      if (changed) {
        this.server.setSecureContext(this.contextOptions(files));
        this.logger.info({ certFile: this.settings.certFile }, 'loaded renewed TLS certificate files');
      }
    } catch (err) {
      this.logger.error({ err }, 'cannot load the TLS certificate files; keeping the previous ones');
    }
  }

  private contextOptions(files: TlsFiles): tls.SecureContextOptions {
    return { cert: files.cert, key: files.key, ca: files.ca, ciphers: this.ciphers };
  }

  /** --peer-cert-allowed-cn: a peer whose certificate names another CN is cut after the handshake. */
  private allowed(socket: tls.TLSSocket): boolean {
    const want = this.settings.allowedCn;
    if (want === '') return true;
    const cn = verifiedCn(socket);
    if (cn === want) return true;
    this.logger.warn({ remote: socket.remoteAddress, cn, allowedCn: want }, 'rejected peer connection: certificate CN not allowed');
    return false;
  }
}
