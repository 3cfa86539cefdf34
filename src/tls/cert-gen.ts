// X.509 certificates for --auto-tls and the TLS launcher: node:crypto makes keys but cannot
// issue certificates, so @peculiar/x509 (typed, on WebCrypto) builds them. ECDSA P-256 keys.
import 'reflect-metadata'; // @peculiar/x509's dependency injection (tsyringe) needs it loaded first
import * as x509 from '@peculiar/x509';
// It takes node 20's global WebCrypto (globalThis.crypto) by itself.
import { randomBytes, webcrypto } from 'node:crypto';
import net from 'node:net';


const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface PemPair {
  cert: string;
  key: string;
}

/** A CA that can issue; `pem` is what goes to disk. */
export interface Issuer {
  pem: PemPair;
  cert: x509.X509Certificate;
  keys: webcrypto.CryptoKeyPair;
}

export interface LeafOptions {
  cn: string;
  /** DNS names and IP addresses the certificate is valid for (server use). */
  hosts?: readonly string[];
  days?: number;
}

/** PEM text ending in a newline, so that files can be concatenated into bundles. */
function pemText(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}

function serial(): string {
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f; // positive
  return b.toString('hex');
}

function validity(days: number): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(now - 60_000), notAfter: new Date(now + days * DAY_MS) };
}

async function newKeys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
}

async function keyPem(keys: webcrypto.CryptoKeyPair): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as webcrypto.CryptoKey);
  return pemText(x509.PemConverter.encode(der, 'PRIVATE KEY'));
}

function sanExtension(hosts: readonly string[]): x509.SubjectAlternativeNameExtension {
  return new x509.SubjectAlternativeNameExtension(hosts.map((h) => (net.isIP(h) !== 0 ? { type: 'ip' as const, value: h } : { type: 'dns' as const, value: h })));
}

function dn(cn: string): string {
  return `CN=${cn.replace(/([,+"\\<>;=])/g, '\\$1')}`;
}

export async function createCa(cn: string, days = 3650): Promise<Issuer> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: dn(cn),
    ...validity(days),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { pem: { cert: pemText(cert.toString('pem')), key: await keyPem(keys) }, cert, keys };
}

/** A certificate signed by `ca`, good for both server and client authentication (as etcd's peers use them). */
export async function issue(ca: Issuer, o: LeafOptions): Promise<PemPair> {
  const keys = await newKeys();
  const hosts = o.hosts ?? [];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: dn(o.cn),
    issuer: ca.cert.subject,
    ...validity(o.days ?? 365),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      ...(hosts.length > 0 ? [sanExtension(hosts)] : []),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
    ],
  });
  return { cert: pemText(cert.toString('pem')), key: await keyPem(keys) };
}

/** A self-signed server/client certificate, as etcd's --auto-tls makes. */
export async function selfSigned(o: LeafOptions): Promise<PemPair> {
  const keys = await newKeys();
  const hosts = o.hosts ?? [];
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: dn(o.cn),
    ...validity(o.days ?? 365),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      ...(hosts.length > 0 ? [sanExtension(hosts)] : []),
    ],
  });
  return { cert: pemText(cert.toString('pem')), key: await keyPem(keys) };
}

/** A CA read back from its PEM files, to issue more certificates later (a member added later). */
export async function loadIssuer(pem: PemPair): Promise<Issuer> {
  const cert = new x509.X509Certificate(pem.cert);
  const der = x509.PemConverter.decodeFirst(pem.key);
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der, ALG, true, ['sign']);
  const publicKey = await cert.publicKey.export(ALG, ['verify']);
  return { pem, cert, keys: { privateKey, publicKey } as webcrypto.CryptoKeyPair };
}
