import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCa, issue, type Issuer } from './cert-gen.js';
import { noTls, type TlsSettings } from './settings.js';
import { TlsTerminator, verifiedCn } from './terminator.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'raftkv-terminator-'));
let ca: Issuer;
let other: Issuer;
const servers: net.Server[] = [];

function file(name: string, text: string): string {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
}

/** A listener whose sockets go through a TlsTerminator; secure sockets answer with the client's CN. */
async function serve(settings: TlsSettings): Promise<number> {
  const t = new TlsTerminator(settings, pino({ level: 'silent' }), (s) => s.end(verifiedCn(s) ?? '-'));
  const server = net.createServer((s) => t.accept(s));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as net.AddressInfo).port;
}

/** What the server answered, or the error that ended the connection. */
function call(port: number, opts: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const s = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ...opts });
    let got = '';
    s.on('data', (d: Buffer) => (got += d.toString()));
    s.on('end', () => resolve(got === '' ? 'closed' : got));
    s.on('error', (e) => resolve(`error: ${e.message}`));
  });
}

beforeAll(async () => {
  ca = await createCa('ca');
  other = await createCa('other');
});
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function pairFiles(issuer: Issuer, name: string, cn: string): Promise<{ certFile: string; keyFile: string }> {
  const p = await issue(issuer, { cn, hosts: ['127.0.0.1', 'localhost'] });
  return { certFile: file(`${name}.crt`, p.cert), keyFile: file(`${name}.key`, p.key) };
}

describe('TlsTerminator', () => {
  it('verifies client certificates against the trusted CA and reports the CN', async () => {
    const server = await pairFiles(ca, 's1', 'server');
    const port = await serve({ ...noTls(), ...server, trustedCaFile: file('ca.crt', ca.pem.cert), clientCertAuth: true });
    const good = await issue(ca, { cn: 'alice' });
    const bad = await issue(other, { cn: 'mallory' });
    expect(await call(port, { ca: ca.pem.cert, cert: good.cert, key: good.key })).toBe('alice');
    expect(await call(port, { ca: ca.pem.cert, cert: bad.cert, key: bad.key })).toMatch(/^error|^closed$/);
    expect(await call(port, { ca: ca.pem.cert })).toMatch(/^error|^closed$/);
  });

  it('serves a renewed certificate to the next connection', async () => {
    const first = await pairFiles(ca, 's2', 'first');
    const port = await serve({ ...noTls(), ...first });
    const cnOf = (): Promise<string> =>
      new Promise((resolve, reject) => {
        const s = tls.connect({ host: '127.0.0.1', port, ca: ca.pem.cert, servername: 'localhost' }, () => {
          resolve(String(s.getPeerCertificate().subject.CN));
          s.destroy();
        });
        s.on('error', reject);
      });
    expect(await cnOf()).toBe('first');
    const renewed = await issue(ca, { cn: 'renewed', hosts: ['127.0.0.1', 'localhost'] });
    writeFileSync(first.certFile, renewed.cert);
    writeFileSync(first.keyFile, renewed.key);
    expect(await cnOf()).toBe('renewed');
  });

  it('keeps out a CN other than the allowed one', async () => {
    const server = await pairFiles(ca, 's3', 'server');
    const port = await serve({ ...noTls(), ...server, trustedCaFile: file('ca3.crt', ca.pem.cert), clientCertAuth: true, allowedCn: 'peer' });
    const peer = await issue(ca, { cn: 'peer' });
    const stranger = await issue(ca, { cn: 'stranger' });
    expect(await call(port, { ca: ca.pem.cert, cert: peer.cert, key: peer.key })).toBe('peer');
    expect(await call(port, { ca: ca.pem.cert, cert: stranger.cert, key: stranger.key })).toMatch(/^error|^closed$/);
  });

  it('offers only the configured cipher suites (TLS 1.2)', async () => {
    const server = await pairFiles(ca, 's4', 'server');
    const port = await serve({ ...noTls(), ...server, cipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'] });
    const base = { ca: ca.pem.cert, maxVersion: 'TLSv1.2' as const };
    expect(await call(port, { ...base, ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' })).toBe('-');
    expect(await call(port, { ...base, ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384' })).toMatch(/^error/);
  });
});
