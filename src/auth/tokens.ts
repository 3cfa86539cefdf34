import type { AuthError } from './errors.js';
import type { Result } from '../mvcc/types.js';

// What an auth token provider does, as etcd's TokenProvider: hand out a token for a user when an
// authenticate entry is applied, and name the user (and, for signed tokens, the auth revision it
// was issued at) of a token a client presents.

/** Who a token names. `revision` is the auth revision the token was issued at, when it carries one. */
export interface TokenInfo {
  user: string;
  revision: number | undefined;
}

export interface TokenProvider {
  /** The random part the proposer puts in the authenticate entry ('' when the provider needs none). */
  newPrefix(): string;
  /** A token for `user`, made when the authenticate entry at `index` is applied. */
  assign(user: string, authRevision: number, prefix: string, index: number): Result<string, AuthError>;
  info(token: string): TokenInfo | undefined;
  /** Drops `user`'s tokens (deleted, password changed), where tokens are kept. */
  invalidateUser(user: string): void;
  /** Drops the tokens of users `keep` rejects, where tokens are kept. */
  retainUsers(keep: (user: string) => boolean): void;
  /** Drops every kept token (auth disabled). */
  clear(): void;
}
