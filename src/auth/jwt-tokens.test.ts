import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JwtTokens } from './jwt-tokens.js';
import { openTokenProvider } from './token-provider.js';
import type { SignMethod } from './token-options.js';

const dir = mkdtempSync(join(tmpdir(), 'jwt-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function pair(name: string, kind: 'rsa' | 'ec', curve = 'prime256v1'): { pub: string; priv: string } {
  const k =
    kind === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs1', format: 'pem' } })
      : generateKeyPairSync('ec', { namedCurve: curve, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'sec1', format: 'pem' } });
  return { pub: write(`${name}.pub`, k.publicKey), priv: write(`${name}.key`, k.privateKey) };
}

const rsa = pair('rsa', 'rsa');
const keys: Record<string, { pub: string; priv: string }> = {
  RS: rsa,
  PS: rsa,
  ES256: pair('p256', 'ec', 'prime256v1'),
  ES384: pair('p384', 'ec', 'secp384r1'),
  ES512: pair('p521', 'ec', 'secp521r1'),
  HS: { pub: '', priv: write('secret', 'shared secret') },
};

function open(method: SignMethod, now: () => number = Date.now, override?: { pub?: string; priv?: string }): JwtTokens {
  const k = keys[method.startsWith('ES') ? method : method.slice(0, 2)] ?? rsa;
  const t = JwtTokens.open({ signMethod: method, pubKeyPath: override?.pub ?? k.pub, privKeyPath: override?.priv ?? k.priv, ttlMs: 60_000 }, now);
  if (!t.ok) throw new Error(t.error.message);
  return t.value;
}

const decode = (part: string | undefined): unknown => JSON.parse(Buffer.from(part ?? '', 'base64url').toString());

describe('JWT tokens', () => {
  const methods: SignMethod[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'HS256', 'HS384', 'HS512'];
  it.each(methods)('%s: carries etcd\'s header and claims; another member with the same keys verifies it', (method) => {
    const now = 1_700_000_000_000;
    const a = open(method, () => now);
    const t = a.assign('alice', 8);
    if (!t.ok) throw new Error('not signed');
    const [h, c] = t.value.split('.');
    expect(decode(h)).toEqual({ alg: method, typ: 'JWT' });
    expect(Buffer.from(c ?? '', 'base64url').toString()).toBe(`{"exp":${now / 1000 + 60},"revision":8,"username":"alice"}`);
    const b = open(method, () => now); // member B, or A after a restart: nothing kept in memory
    expect(b.info(t.value)).toEqual({ user: 'alice', revision: 8 });
  });

  it('refuses expired, tampered, foreign and wrong-algorithm tokens', () => {
    let now = 1_700_000_000_000;
    const a = open('RS256', () => now);
    const t = a.assign('alice', 3);
    if (!t.ok) throw new Error('not signed');
    const [h, c, s] = t.value.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ exp: 9_999_999_999, revision: 3, username: 'root' })).toString('base64url');
    expect(a.info(`${h}.${forged}.${s}`)).toBeUndefined();
    expect(a.info(`${h}.${c}`)).toBeUndefined();
    expect(a.info('not a token')).toBeUndefined();
    expect(open('RS384', () => now).info(t.value)).toBeUndefined();
    const other = pair('other', 'rsa');
    expect(open('RS256', () => now, other).info(t.value)).toBeUndefined();
    now += 60_000;
    expect(a.info(t.value)).toEqual({ user: 'alice', revision: 3 }); // exp is inclusive, as jwt-go
    now += 1000;
    expect(a.info(t.value)).toBeUndefined();
  });

  it('a public key alone verifies but cannot sign (etcd: verify-only)', () => {
    const full = open('ES256');
    const t = full.assign('bob', 1);
    const verifyOnly = open('ES256', Date.now, { priv: '' });
    expect(t.ok && verifyOnly.info(t.value)).toEqual({ user: 'bob', revision: 1 });
    expect(verifyOnly.assign('bob', 1)).toEqual({ ok: false, error: { kind: 'token_verify_only' } });
  });

  it('verifies a token real etcd 3.4.23 issued (RS256, --auth-token jwt,...,ttl=10m)', () => {
    const etcdPub = write(
      'etcd.pub',
      `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtesO0jquFZRSNwSQgkSD
50Rfr5eQg9LSj/rYjbCppUgK3fxrs/yOHr9O2SBSh1c5BMMsExHh/c9frwuNM6NZ
oYbdGKu9ttQYx5atcMqQqltemMq9haXVO8KVKJNqBa6GI5ZQio6B/AFnVcovO+sJ
rKxd3OnCTk8GQ9uglSW4hOp/jnwDNE9dY+ZdL5D1VVig1+Z/cob6uIUpeCxg9p1l
28XD8LVQfKGldyjzMragh/WfD9YHqxY3zh/Nzl0bXPYzCvU7szPFcjcEPTUxwxMJ
oj9RtiSUeMob38aCMk7+B28B+Ul7pc9MWZje1Ct5GaZj53RJRgBAcPEtI3PxbPRq
GQIDAQAB
-----END PUBLIC KEY-----
`,
    );
    const token =
      'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3OTYyOTA0NjIsInJldmlzaW9uIjo4LCJ1c2VybmFtZSI6ImFsaWNlIn0.JcigHuwD7K0d6c13ft1ORprACqn---tO-K1CnnyGlyFFtTe5aNFSNO9nV91hsF5DxyTqCVccvfGzZDW4aWCcAGsPBk5sHBkSXhcaRHqHeOJyZko3DSrdPGqPajmpYuyqDDY3xEyi44o-Py-bh7-arvwLPVwIZyc4MyMnUgWzdfCUI9nrHQirHLaEXvBU7uGmiRiEFrXLmUsF58labiPemRf331CuBPXTNVJwTcqqPC33tjExYcixMcmDuMUosUWXa5_cToRsUlC380bdaLSVfU3KkN4jU1Jzj3tM_kjI_fxkHnBDyAv6-00sc2sMPfz81wrrl3cHvph7C9nLndRh_g';
    const t = JwtTokens.open({ signMethod: 'RS256', pubKeyPath: etcdPub, privKeyPath: '', ttlMs: 600_000 }, () => 1_796_290_000_000);
    expect(t.ok && t.value.info(token)).toEqual({ user: 'alice', revision: 8 });
  });

  it("key errors are etcd's", () => {
    const err = (authToken: string) => {
      const r = openTokenProvider(authToken, 300);
      return r.ok ? undefined : r.error;
    };
    expect(err('jwt,sign-method=RS256')).toEqual({ message: 'auth: missing key data', detail: '' });
    expect(err('jwt,sign-method=HS256')).toEqual({ message: 'auth: missing key data', detail: '' });
    expect(err(`jwt,sign-method=RS256,pub-key=${join(dir, 'nope')}`)).toEqual({
      message: 'auth: invalid auth options',
      detail: `auth: problem loading JWT options: open ${join(dir, 'nope')}: no such file or directory`,
    });
    expect(err(`jwt,sign-method=ES256,pub-key=${rsa.pub},priv-key=${rsa.priv}`)?.message).toBe('key is not a valid ECDSA private key');
    expect(err(`jwt,sign-method=ES384,priv-key=${keys['ES256']?.priv}`)?.message).toBe('key is not a valid ECDSA private key');
    expect(err(`jwt,sign-method=RS256,priv-key=${keys['HS']?.priv}`)?.message).toBe('Invalid Key: Key must be PEM encoded PKCS1 or PKCS8 private key');
    const ok = openTokenProvider(`jwt,sign-method=RS256,priv-key=${rsa.priv},foo=1`, 300);
    expect(ok.ok && ok.value.warnings).toEqual(['unknown JWT options: [foo]']);
  });
});
