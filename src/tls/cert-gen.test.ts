import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCa, issue, loadIssuer, selfSigned } from './cert-gen.js';

describe('certificate generation', () => {
  it('issues certificates that verify against their CA, with the asked SANs and CN', async () => {
    const ca = await createCa('test CA');
    const leaf = await issue(ca, { cn: 'n1', hosts: ['127.0.0.1', 'localhost'] });
    const cert = new X509Certificate(leaf.cert);
    const caCert = new X509Certificate(ca.pem.cert);
    expect(caCert.ca).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.subject).toBe('CN=n1');
    expect(leaf.key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    // Files end in a newline, so CA files can be concatenated into a bundle.
    expect(leaf.cert.endsWith('-----\n')).toBe(true);
    expect(ca.pem.cert.endsWith('-----\n')).toBe(true);
  });

  it('issues from a CA read back from its PEM files', async () => {
    const ca = await loadIssuer((await createCa('reloaded')).pem);
    const leaf = new X509Certificate((await issue(ca, { cn: 'later' })).cert);
    expect(leaf.verify(new X509Certificate(ca.pem.cert).publicKey)).toBe(true);
  });

  it('makes self-signed certificates for auto TLS', async () => {
    const p = await selfSigned({ cn: 'etcd', hosts: ['127.0.0.1'] });
    const cert = new X509Certificate(p.cert);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
  });
});
