import { JwtTokens } from './jwt-tokens.js';
import { NopTokens } from './nop-tokens.js';
import { SimpleTokens } from './simple-tokens.js';
import { parseAuthToken, type TokenOptionError } from './token-options.js';
import type { TokenProvider } from './tokens.js';
import type { Result } from '../mvcc/types.js';

/** The provider --auth-token names (simple tokens live --auth-token-ttl seconds), or etcd's error. */
export function openTokenProvider(
  authToken: string,
  simpleTtlSeconds: number,
): Result<{ provider: TokenProvider; warnings: string[] }, TokenOptionError> {
  const spec = parseAuthToken(authToken);
  if (!spec.ok) return spec;
  if (spec.value.type === 'simple') {
    return { ok: true, value: { provider: new SimpleTokens(simpleTtlSeconds * 1000), warnings: ['simple token is not cryptographically signed'] } };
  }
  if (spec.value.type === 'none') return { ok: true, value: { provider: new NopTokens(), warnings: [] } };
  const jwt = JwtTokens.open(spec.value);
  if (!jwt.ok) return jwt;
  const unknown = spec.value.unknown;
  return { ok: true, value: { provider: jwt.value, warnings: unknown.length > 0 ? [`unknown JWT options: [${unknown.join(' ')}]`] : [] } };
}
