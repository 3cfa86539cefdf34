// What this member presents when it dials a peer: nothing on http:// URLs; on https:// its peer
// certificate (--peer-cert-file/--peer-key-file), checking the peer's against
// --peer-trusted-ca-file. The files are looked at for every new channel, so renewed ones serve
// the next connection.
import * as grpc from '@grpc/grpc-js';
import '../tls/ip-servername-warning.js';
import { TlsMaterial } from '../tls/material.js';
import { hasCert, noTls, type TlsSettings } from '../tls/settings.js';

export class PeerCredentials {
  private readonly material: TlsMaterial | undefined;

  constructor(private readonly settings: TlsSettings = noTls()) {
    this.material = hasCert(settings) ? new TlsMaterial(settings) : undefined;
  }

  forUrl(url: string): grpc.ChannelCredentials {
    if (new URL(url).protocol !== 'https:') return grpc.credentials.createInsecure();
    const files = this.material?.current().files;
    const ca = files?.ca;
    // Auto TLS certificates are self-signed: like etcd, peers then encrypt without verifying.
    const verify = ca !== undefined || !this.settings.autoTls;
    return grpc.credentials.createSsl(ca ?? null, files?.key ?? null, files?.cert ?? null, { rejectUnauthorized: verify });
  }
}
