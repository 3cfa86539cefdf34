import { constants, createHmac, createPrivateKey, createPublicKey, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { authError, type AuthError } from './errors.js';
import { INVALID_AUTH_OPTS, type SignMethod, type TokenOptionError } from './token-options.js';
import type { TokenInfo, TokenProvider } from './tokens.js';
import type { Result } from '../mvcc/types.js';

// etcd's "jwt" tokens: signed, self-contained tokens carrying etcd's claims (username, revision =
// the auth revision at issue, exp). Any member configured with the same key verifies them, so a
// token works on every member and across restarts, and nothing is kept in memory. node:crypto
// signs and verifies every algorithm etcd 3.4 accepts, so no JWT library is needed.

type Family = 'RS' | 'PS' | 'ES' | 'HS';

const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };
/** The curve each ES method signs with (the key must be on it). */
const CURVE: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };

/** An HMAC secret, or an asymmetric pair (no signing key: verify only). */
type Keys = { family: 'HS'; secret: Buffer } | { family: 'RS' | 'PS' | 'ES'; sign: KeyObject | undefined; verify: KeyObject };
type Built = Result<JwtTokens, TokenOptionError>;

function b64url(b: Buffer | string): string {
  return Buffer.from(b).toString('base64url');
}

function readKey(path: string): Result<Buffer | undefined, TokenOptionError> {
  if (path === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: readFileSync(path) };
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : String(err);
    return { ok: false, error: { message: INVALID_AUTH_OPTS, detail: `auth: problem loading JWT options: open ${path}: ${reason}` } };
  }
}

/** The key of `family` in `pem`, or etcd's (jwt-go's) complaint about it. */
function asymmetricKey(family: 'RSA' | 'ECDSA', pem: Buffer, kind: 'private' | 'public', curve: string | undefined): KeyObject | string {
  let key: KeyObject;
  try {
    key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
  } catch {
    return `Invalid Key: Key must be PEM encoded PKCS1 or PKCS8 ${kind} key`;
  }
  const type = key.asymmetricKeyType;
  const fits = family === 'RSA' ? type === 'rsa' : type === 'ec' && key.asymmetricKeyDetails?.namedCurve === curve;
  return fits ? key : `key is not a valid ${family} ${kind} key`;
}

function loadKeys(method: SignMethod, pub: Buffer | undefined, priv: Buffer | undefined): Keys | string {
  const family = method.slice(0, 2) as Family;
  if (family === 'HS') return priv === undefined || priv.length === 0 ? 'auth: missing key data' : { family, secret: priv };
  const kind = family === 'ES' ? 'ECDSA' : 'RSA';
  const curve = CURVE[method];
  let privKey: KeyObject | undefined;
  let pubKey: KeyObject | undefined;
  if (priv !== undefined && priv.length > 0) {
    const k = asymmetricKey(kind, priv, 'private', curve);
    if (typeof k === 'string') return k;
    privKey = k;
  }
  if (pub !== undefined && pub.length > 0) {
    const k = asymmetricKey(kind, pub, 'public', curve);
    if (typeof k === 'string') return k;
    pubKey = k;
  }
  // As etcd: with a private key, tokens are verified with its public half; a public key alone
  // verifies but cannot sign.
  if (privKey !== undefined) return { family, sign: privKey, verify: createPublicKey(privKey) };
  if (pubKey !== undefined) return { family, sign: undefined, verify: pubKey };
  return 'auth: missing key data';
}

/** A verified token's claims; `exp` (seconds) is checked on every use. */
interface Verified {
  info: TokenInfo;
  exp: number | undefined;
}

/** Verified tokens remembered; the whole set is dropped when full (tokens are re-verified). */
const VERIFIED_CACHE = 4096;

export class JwtTokens implements TokenProvider {
  private readonly verified = new Map<string, Verified>();
  private readonly hash: string;
  private readonly header: string;

  private constructor(
    private readonly method: SignMethod,
    private readonly keys: Keys,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {
    this.hash = HASH[method.slice(2)] ?? 'sha256';
    this.header = b64url(JSON.stringify({ alg: method, typ: 'JWT' }));
  }

  /** Reads and checks the keys; the errors are etcd's. */
  static open(
    spec: { signMethod: SignMethod; pubKeyPath: string; privKeyPath: string; ttlMs: number },
    now: () => number = Date.now,
  ): Built {
    const pub = readKey(spec.pubKeyPath);
    if (!pub.ok) return pub;
    const priv = readKey(spec.privKeyPath);
    if (!priv.ok) return priv;
    const keys = loadKeys(spec.signMethod, pub.value, priv.value);
    if (typeof keys === 'string') return { ok: false, error: { message: keys, detail: '' } };
    return { ok: true, value: new JwtTokens(spec.signMethod, keys, spec.ttlMs, now) };
  }

  /** Nothing to put in the log: every member signs the same claims. */
  newPrefix(): string {
    return '';
  }

  assign(user: string, authRevision: number): Result<string, AuthError> {
    if (this.keys.family !== 'HS' && this.keys.sign === undefined) return { ok: false, error: authError('token_verify_only') };
    // Claims in etcd's order (Go marshals map keys sorted).
    const exp = Math.floor((this.now() + this.ttlMs) / 1000);
    const input = `${this.header}.${b64url(JSON.stringify({ exp, revision: authRevision, username: user }))}`;
    return { ok: true, value: `${input}.${this.signature(input).toString('base64url')}` };
  }

  info(token: string): TokenInfo | undefined {
    let v = this.verified.get(token);
    if (v === undefined) {
      v = this.verify(token);
      if (v === undefined) return undefined;
      // A request's check, its log header and a read's recheck each ask: verify a token once.
      if (this.verified.size >= VERIFIED_CACHE) this.verified.clear();
      this.verified.set(token, v);
    }
    if (v.exp !== undefined && this.now() / 1000 > v.exp) return undefined;
    return v.info;
  }

  private verify(token: string): Verified | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [h, c, s] = parts as [string, string, string];
    const header = parseJson(h);
    if (header?.['alg'] !== this.method) return undefined;
    if (!this.verifies(`${h}.${c}`, Buffer.from(s, 'base64url'))) return undefined;
    const claims = parseJson(c);
    const username = claims?.['username'];
    const revision = claims?.['revision'];
    const exp = claims?.['exp'];
    if (typeof username !== 'string' || typeof revision !== 'number') return undefined;
    if (exp !== undefined && typeof exp !== 'number') return undefined;
    return { info: { user: username, revision }, exp };
  }

  invalidateUser(): void {}
  retainUsers(): void {}
  clear(): void {}

  private signature(input: string): Buffer {
    const k = this.keys;
    const data = Buffer.from(input);
    if (k.family === 'HS') return createHmac(this.hash, k.secret).update(data).digest();
    if (k.sign === undefined) return Buffer.alloc(0);
    if (k.family === 'ES') return sign(this.hash, data, { key: k.sign, dsaEncoding: 'ieee-p1363' });
    if (k.family === 'PS') return sign(this.hash, data, { key: k.sign, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
    return sign(this.hash, data, k.sign);
  }

  private verifies(input: string, sig: Buffer): boolean {
    const k = this.keys;
    const data = Buffer.from(input);
    try {
      if (k.family === 'HS') {
        const want = createHmac(this.hash, k.secret).update(data).digest();
        return want.length === sig.length && timingSafeEqual(want, sig);
      }
      if (k.family === 'ES') return verify(this.hash, data, { key: k.verify, dsaEncoding: 'ieee-p1363' }, sig);
      if (k.family === 'PS') return verify(this.hash, data, { key: k.verify, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, sig);
      return verify(this.hash, data, k.verify, sig);
    } catch {
      return false;
    }
  }
}

function parseJson(part: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString());
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
