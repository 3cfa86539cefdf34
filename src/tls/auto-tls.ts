// --auto-tls / --peer-auto-tls: like etcd, a self-signed certificate for the listen URLs' hosts,
// made once in <data-dir>/fixtures/{client,peer} and reused on later starts.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { selfSigned } from './cert-gen.js';
import { hasCert, type TlsSettings } from './settings.js';

function hostsOf(urls: readonly string[]): string[] {
  const hosts = new Set<string>();
  for (const u of urls) {
    const h = new URL(u).hostname;
    hosts.add(h.startsWith('[') ? h.slice(1, -1) : h);
  }
  return [...hosts];
}

/** The settings with certFile/keyFile pointing at the generated pair when auto TLS applies. */
export async function withAutoTls(s: TlsSettings, dir: string, urls: readonly string[]): Promise<TlsSettings> {
  if (!s.autoTls || hasCert(s)) return s;
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const pair = await selfSigned({ cn: 'etcd', hosts: hostsOf(urls) });
    writeFileSync(keyFile, pair.key, { mode: 0o600 });
    writeFileSync(certFile, pair.cert);
  }
  return { ...s, certFile, keyFile };
}
