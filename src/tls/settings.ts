// TLS settings of one port (client or peer), named after etcd's flags.

export interface TlsSettings {
  certFile: string;
  keyFile: string;
  trustedCaFile: string;
  /** Refuse, in the handshake, a client without a certificate signed by trustedCaFile. */
  clientCertAuth: boolean;
  /** Generate a self-signed certificate in the data folder when certFile/keyFile are not given. */
  autoTls: boolean;
  /** Go (IANA) cipher suite names; empty = the defaults. */
  cipherSuites: string[];
  /** Peer port only: the CN a peer's certificate must carry; '' = any. */
  allowedCn: string;
}

export function noTls(): TlsSettings {
  return { certFile: '', keyFile: '', trustedCaFile: '', clientCertAuth: false, autoTls: false, cipherSuites: [], allowedCn: '' };
}

/** True when a certificate and key are configured (after auto TLS has filled them in). */
export function hasCert(s: TlsSettings): boolean {
  return s.certFile !== '' && s.keyFile !== '';
}

export function isHttps(url: string): boolean {
  return new URL(url).protocol === 'https:';
}
