import { authError, type AuthError } from './errors.js';
import type { TokenInfo, TokenProvider } from './tokens.js';
import type { Result } from '../mvcc/types.js';

// etcd's provider for an empty --auth-token: it issues no token (Authenticate fails with
// "authentication failed") and accepts none, so only TLS certificate names authenticate.
export class NopTokens implements TokenProvider {
  newPrefix(): string {
    return '';
  }

  assign(): Result<string, AuthError> {
    return { ok: false, error: authError('auth_failed') };
  }

  info(): TokenInfo | undefined {
    return undefined;
  }

  invalidateUser(): void {}
  retainUsers(): void {}
  clear(): void {}
}
