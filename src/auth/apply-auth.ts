import type { InternalRequest } from '../gen/raftkvpb.js';
import type { AuthResult, AuthStore } from './auth-store.js';
import type { AuthError } from './errors.js';

/** What applying an auth entry yields: the token, for an authenticate entry. */
export interface AuthApplied {
  token: string;
}

function done(err: AuthError | undefined): AuthResult<AuthApplied> {
  return err === undefined ? { ok: true, value: { token: '' } } : { ok: false, error: err };
}

/**
 * Applies the auth change carried by `req`, or returns undefined when it carries none. `index` is
 * the entry's log index, the suffix of a simple token (unique across the cluster).
 */
export function applyAuthRequest(auth: AuthStore, req: InternalRequest, index: number): AuthResult<AuthApplied> | undefined {
  if (req.auth_enable !== undefined) return done(auth.enable());
  if (req.auth_disable !== undefined) return done((auth.disable(), undefined));
  if (req.authenticate !== undefined) {
    const r = auth.authenticate(req.authenticate.name, req.authenticate.token_prefix, index);
    return r.ok ? { ok: true, value: { token: r.value } } : r;
  }
  if (req.auth_user_add !== undefined) {
    const u = req.auth_user_add;
    return done(auth.userAdd(u.name, u.password, u.options?.no_password ?? false));
  }
  if (req.auth_user_delete !== undefined) return done(auth.userDelete(req.auth_user_delete.name));
  if (req.auth_user_change_password !== undefined) {
    return done(auth.userChangePassword(req.auth_user_change_password.name, req.auth_user_change_password.password));
  }
  if (req.auth_user_grant_role !== undefined) return done(auth.userGrantRole(req.auth_user_grant_role.user, req.auth_user_grant_role.role));
  if (req.auth_user_revoke_role !== undefined) return done(auth.userRevokeRole(req.auth_user_revoke_role.name, req.auth_user_revoke_role.role));
  if (req.auth_role_add !== undefined) return done(auth.roleAdd(req.auth_role_add.name));
  if (req.auth_role_delete !== undefined) return done(auth.roleDelete(req.auth_role_delete.role));
  if (req.auth_role_grant_permission !== undefined) {
    const g = req.auth_role_grant_permission;
    if (g.perm === undefined) return done(undefined);
    return done(auth.roleGrantPermission(g.name, g.perm));
  }
  if (req.auth_role_revoke_permission !== undefined) {
    const r = req.auth_role_revoke_permission;
    return done(auth.roleRevokePermission(r.role, r.key, r.range_end));
  }
  return undefined;
}
