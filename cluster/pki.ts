// The certificates of a TLS cluster (`npm run cluster -- --tls`, the TLS tests): a CA, one
// certificate per member for both its ports (CN = its name, valid for 127.0.0.1 and localhost),
// and a client certificate (CN root). All in <dir>, made once and reused; the CA key stays there
// so that members added later get theirs from the same CA.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ClientTls } from '../src/client/index.js';
import { createCa, issue, loadIssuer, type Issuer, type PemPair } from '../src/tls/cert-gen.js';

export interface MemberCerts {
  caFile: string;
  certFile: string;
  keyFile: string;
}

export class ClusterPki {
  private issuer: Promise<Issuer> | undefined;

  constructor(
    readonly dir: string,
    private readonly hosts: readonly string[] = ['127.0.0.1', 'localhost'],
  ) {}

  get caFile(): string {
    return path.join(this.dir, 'ca.crt');
  }

  /** What a client presents: etcdctl's --cacert, --cert, --key. */
  clientTls(): ClientTls {
    return { caFile: this.caFile, certFile: path.join(this.dir, 'client.crt'), keyFile: path.join(this.dir, 'client.key') };
  }

  /** Creates the CA and the client certificate unless they exist. */
  async init(): Promise<void> {
    await this.pair('client', async () => issue(await this.ca(), { cn: 'root' }));
  }

  async member(name: string): Promise<MemberCerts> {
    const files = await this.pair(name, async () => issue(await this.ca(), { cn: name, hosts: this.hosts }));
    return { caFile: this.caFile, ...files };
  }

  private ca(): Promise<Issuer> {
    this.issuer ??= (async () => {
      const keyFile = path.join(this.dir, 'ca.key');
      if (existsSync(this.caFile) && existsSync(keyFile)) {
        return loadIssuer({ cert: readFileSync(this.caFile, 'utf8'), key: readFileSync(keyFile, 'utf8') });
      }
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const ca = await createCa('raftkv cluster CA');
      writeFileSync(keyFile, ca.pem.key, { mode: 0o600 });
      writeFileSync(this.caFile, ca.pem.cert);
      return ca;
    })();
    return this.issuer;
  }

  private async pair(name: string, make: () => Promise<PemPair>): Promise<{ certFile: string; keyFile: string }> {
    const certFile = path.join(this.dir, `${name}.crt`);
    const keyFile = path.join(this.dir, `${name}.key`);
    if (!existsSync(certFile) || !existsSync(keyFile)) {
      await this.ca();
      const p = await make();
      writeFileSync(keyFile, p.key, { mode: 0o600 });
      writeFileSync(certFile, p.cert);
    }
    return { certFile, keyFile };
  }
}
