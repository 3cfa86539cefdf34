import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../server/config.js';
import { createCa, issue } from '../tls/cert-gen.js';
import { tlsProblem } from './tls-check.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'raftkv-tls-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function pairFiles(name: string): Promise<{ certFile: string; keyFile: string }> {
  const p = await issue(await createCa('ca'), { cn: name, hosts: ['127.0.0.1'] });
  const certFile = path.join(dir, `${name}.crt`);
  const keyFile = path.join(dir, `${name}.key`);
  writeFileSync(certFile, p.cert);
  writeFileSync(keyFile, p.key);
  return { certFile, keyFile };
}

describe('TLS startup check', () => {
  it('passes plain http and a readable key pair', async () => {
    expect(tlsProblem(defaultConfig())).toBeUndefined();
    const c = defaultConfig();
    c.listenClientUrls = ['https://127.0.0.1:2379'];
    c.clientTls = { ...c.clientTls, ...(await pairFiles('good')) };
    expect(tlsProblem(c)).toBeUndefined();
  });

  it('refuses an https URL without a certificate, as etcd words it', () => {
    const c = defaultConfig();
    c.listenPeerUrls = ['https://127.0.0.1:2380'];
    expect(tlsProblem(c)).toBe('TLS key/cert (--peer-cert-file, --peer-key-file) must be provided for peer url https://127.0.0.1:2380 with HTTPS scheme');
  });

  it('refuses missing files and a key that is not the certificate’s', async () => {
    const c = defaultConfig();
    c.clientTls = { ...c.clientTls, certFile: path.join(dir, 'none.crt'), keyFile: path.join(dir, 'none.key') };
    expect(tlsProblem(c)).toMatch(/cannot load the client TLS files .*ENOENT/);
    const a = await pairFiles('a');
    const b = await pairFiles('b');
    c.clientTls = { ...c.clientTls, certFile: a.certFile, keyFile: b.keyFile };
    expect(tlsProblem(c)).toMatch(/cannot load the client TLS files .*key values mismatch/);
  });
});
