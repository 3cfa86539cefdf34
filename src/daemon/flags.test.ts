import { afterEach, describe, expect, it } from 'vitest';
import { buildCommand, toOptions, type RawFlags } from './flags.js';

function parse(argv: string[]): ReturnType<typeof toOptions> {
  const cmd = buildCommand('test').exitOverride().configureOutput({ writeErr: () => undefined });
  cmd.parse(argv, { from: 'user' });
  return toOptions(cmd.opts<RawFlags>());
}

const ENV = ['ETCD_CERT_FILE', 'ETCD_CLIENT_CERT_AUTH', 'ETCD_PEER_CERT_ALLOWED_CN', 'ETCD_CIPHER_SUITES'];

describe('TLS flags', () => {
  afterEach(() => {
    for (const k of ENV) delete process.env[k];
  });

  it('default to no TLS', () => {
    const c = parse([]).config;
    expect(c.clientTls).toEqual({ certFile: '', keyFile: '', trustedCaFile: '', clientCertAuth: false, autoTls: false, cipherSuites: [], allowedCn: '' });
    expect(c.peerTls).toEqual(c.clientTls);
  });

  it("fill the client and peer settings with etcd's names", () => {
    const c = parse([
      '--cert-file', 'c.crt', '--key-file', 'c.key', '--trusted-ca-file', 'ca.crt', '--client-cert-auth', '--auto-tls',
      '--peer-cert-file', 'p.crt', '--peer-key-file', 'p.key', '--peer-trusted-ca-file', 'pca.crt', '--peer-client-cert-auth',
      '--peer-auto-tls=false', '--peer-cert-allowed-cn', 'etcd-peer',
      '--cipher-suites', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    ]).config;
    const suites = ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'];
    expect(c.clientTls).toEqual({ certFile: 'c.crt', keyFile: 'c.key', trustedCaFile: 'ca.crt', clientCertAuth: true, autoTls: true, cipherSuites: suites, allowedCn: '' });
    expect(c.peerTls).toEqual({ certFile: 'p.crt', keyFile: 'p.key', trustedCaFile: 'pca.crt', clientCertAuth: true, autoTls: false, cipherSuites: suites, allowedCn: 'etcd-peer' });
  });

  it('take Go-style booleans and ETCD_* variables', () => {
    expect(parse(['--client-cert-auth=false']).config.clientTls.clientCertAuth).toBe(false);
    expect(parse(['--client-cert-auth=true']).config.clientTls.clientCertAuth).toBe(true);
    process.env['ETCD_CERT_FILE'] = '/etc/etcd/pki/server.crt';
    process.env['ETCD_CLIENT_CERT_AUTH'] = 'true';
    process.env['ETCD_PEER_CERT_ALLOWED_CN'] = 'peer';
    const c = parse([]).config;
    expect(c.clientTls.certFile).toBe('/etc/etcd/pki/server.crt');
    expect(c.clientTls.clientCertAuth).toBe(true);
    expect(c.peerTls.allowedCn).toBe('peer');
  });

  it('refuse an unknown cipher suite and a non-boolean', () => {
    expect(() => parse(['--cipher-suites', 'TLS_NOPE'])).toThrow(/unexpected TLS cipher suite "TLS_NOPE"/);
    expect(() => parse(['--client-cert-auth=maybe'])).toThrow(/invalid boolean value "maybe"/);
  });

  it('accept https listen and advertise URLs', () => {
    const c = parse(['--listen-client-urls', 'https://127.0.0.1:2379,http://127.0.0.1:2378', '--listen-peer-urls', 'https://127.0.0.1:2380']).config;
    expect(c.listenClientUrls).toEqual(['https://127.0.0.1:2379', 'http://127.0.0.1:2378']);
    expect(c.listenPeerUrls).toEqual(['https://127.0.0.1:2380']);
  });
});

describe('auth flags', () => {
  afterEach(() => {
    delete process.env['ETCD_AUTH_TOKEN'];
  });

  it("default to etcd's: simple tokens living 300 s, bcrypt cost 10", () => {
    expect(parse([]).config).toMatchObject({ authToken: 'simple', authTokenTtl: 300, bcryptCost: 10 });
  });

  it('take --auth-token, --auth-token-ttl and --bcrypt-cost, or ETCD_AUTH_TOKEN', () => {
    const jwt = 'jwt,pub-key=a.pub,priv-key=a.key,sign-method=ES256,ttl=1m';
    expect(parse(['--auth-token', jwt, '--auth-token-ttl', '60', '--bcrypt-cost', '12']).config).toMatchObject({
      authToken: jwt,
      authTokenTtl: 60,
      bcryptCost: 12,
    });
    process.env['ETCD_AUTH_TOKEN'] = jwt;
    expect(parse([]).config.authToken).toBe(jwt);
    expect(() => parse(['--bcrypt-cost', 'x'])).toThrow();
  });
});
