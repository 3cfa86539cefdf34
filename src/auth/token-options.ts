import { parseGoDuration } from './go-duration.js';
import type { Result } from '../mvcc/types.js';

// The --auth-token flag as etcd 3.4 reads it: "simple", or
// "jwt,pub-key=<path>,priv-key=<path>,sign-method=<alg>[,ttl=<duration>]". The token type comes
// first; every further comma-separated part must be one name=value pair, each name at most once.
// A simple token ignores its options; an unknown JWT option is only warned about, as in etcd. An
// empty value means no tokens at all (etcd's "nop" provider).

export type SignMethod = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'HS256' | 'HS384' | 'HS512';

const SIGN_METHODS: readonly string[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'HS256', 'HS384', 'HS512'];

/** etcd's default JWT lifetime (5 minutes), when `ttl` is not given. */
export const JWT_DEFAULT_TTL_MS = 300_000;

export type TokenSpec =
  | { type: 'simple' }
  | { type: 'none' }
  | { type: 'jwt'; signMethod: SignMethod; pubKeyPath: string; privKeyPath: string; ttlMs: number; unknown: string[] };

/** etcd's ErrInvalidAuthOpts, what etcdmain dies with. */
export const INVALID_AUTH_OPTS = 'auth: invalid auth options';

/** Why the flag was refused: `message` is etcd's fatal error, `detail` the error it logs before. */
export interface TokenOptionError {
  message: string;
  detail: string;
}

type Parsed = Result<TokenSpec, TokenOptionError>;

function invalid(detail: string): Parsed {
  return { ok: false, error: { message: INVALID_AUTH_OPTS, detail } };
}

export function parseAuthToken(value: string): Parsed {
  const parts = value.split(',');
  const type = parts[0] ?? '';
  const opts = new Map<string, string>();
  for (const part of parts.slice(1)) {
    const pair = part.split('=');
    if (pair.length !== 2) return invalid(`auth: invalid token specific option: ${value}`);
    const [k, v] = pair as [string, string];
    if (opts.has(k)) return invalid(`auth: invalid token specific option, duplicated parameters (${k}): ${value}`);
    opts.set(k, v);
  }
  if (type === 'simple') return { ok: true, value: { type: 'simple' } };
  if (type === '') return { ok: true, value: { type: 'none' } };
  if (type !== 'jwt') return invalid(`auth: unknown token type: ${type}`);
  let ttlMs = JWT_DEFAULT_TTL_MS;
  const ttl = opts.get('ttl') ?? '';
  if (ttl !== '') {
    const d = parseGoDuration(ttl);
    if (!d.ok) return invalid(`auth: problem loading JWT options: ${d.error}`);
    ttlMs = d.value;
  }
  const method = opts.get('sign-method') ?? '';
  if (!SIGN_METHODS.includes(method)) return invalid('auth: problem loading JWT options: auth: invalid auth signature method');
  const known = new Set(['sign-method', 'pub-key', 'priv-key', 'ttl']);
  return {
    ok: true,
    value: {
      type: 'jwt',
      signMethod: method as SignMethod,
      pubKeyPath: opts.get('pub-key') ?? '',
      privKeyPath: opts.get('priv-key') ?? '',
      ttlMs,
      unknown: [...opts.keys()].filter((k) => !known.has(k)),
    },
  };
}
