// Refuses, before anything starts, a TLS setup that cannot serve: an https:// listen URL without
// a certificate, or certificate files that cannot be read or do not make a key pair.
import tls from 'node:tls';
import type { ServerConfig } from '../server/config.js';
import { TlsMaterial } from '../tls/material.js';
import { hasCert, isHttps, type TlsSettings } from '../tls/settings.js';

function checkPort(urls: readonly string[], s: TlsSettings, flags: string, what: string): string | undefined {
  const https = urls.find(isHttps);
  if (https !== undefined && !hasCert(s)) return `TLS key/cert (${flags}) must be provided for ${what} url ${https} with HTTPS scheme`;
  if (!hasCert(s)) return undefined;
  try {
    const { files } = new TlsMaterial(s).current();
    tls.createSecureContext({ cert: files.cert, key: files.key, ca: files.ca });
    return undefined;
  } catch (err) {
    return `cannot load the ${what} TLS files (${s.certFile}, ${s.keyFile}${s.trustedCaFile === '' ? '' : `, ${s.trustedCaFile}`}): ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** Why the config's TLS cannot work, or undefined when it can. */
export function tlsProblem(c: ServerConfig): string | undefined {
  return (
    checkPort(c.listenClientUrls, c.clientTls, '--cert-file, --key-file', 'client') ??
    checkPort(c.listenPeerUrls, c.peerTls, '--peer-cert-file, --peer-key-file', 'peer')
  );
}
