// Failures of the auth store, returned as values; api/errors.ts maps each kind to etcd's gRPC
// status and message.
export type AuthErrorKind =
  | 'auth_failed'
  | 'auth_not_enabled'
  | 'invalid_token'
  | 'user_empty'
  | 'user_exists'
  | 'user_not_found'
  | 'role_empty'
  | 'role_exists'
  | 'role_not_found'
  | 'role_not_granted'
  | 'permission_not_granted'
  | 'permission_denied'
  | 'root_user_not_exist'
  | 'root_role_not_exist'
  | 'invalid_auth_mgmt'
  | 'auth_old_revision'
  | 'token_verify_only';

export interface AuthError {
  kind: AuthErrorKind;
}

export function authError(kind: AuthErrorKind): AuthError {
  return { kind };
}
