import { effectiveBcryptCost } from '../auth/password.js';
import { openTokenProvider } from '../auth/token-provider.js';
import type { TokenOptionError } from '../auth/token-options.js';
import type { TokenProvider } from '../auth/tokens.js';
import type { ServerConfig } from '../server/config.js';
import type { Result } from '../mvcc/types.js';

/** What --auth-token, --auth-token-ttl and --bcrypt-cost make, with etcd's warnings about them. */
export interface AuthSetup {
  tokens: TokenProvider;
  bcryptCost: number;
  warnings: string[];
}

/** Reads the JWT keys; an unusable --auth-token stops the member, as it stops etcd. */
export function authSetup(config: Pick<ServerConfig, 'authToken' | 'authTokenTtl' | 'bcryptCost'>): Result<AuthSetup, TokenOptionError> {
  const t = openTokenProvider(config.authToken, config.authTokenTtl);
  if (!t.ok) return t;
  const cost = effectiveBcryptCost(config.bcryptCost);
  const warnings = [...t.value.warnings, ...(cost.warning === undefined ? [] : [cost.warning])];
  return { ok: true, value: { tokens: t.value.provider, bcryptCost: cost.cost, warnings } };
}
