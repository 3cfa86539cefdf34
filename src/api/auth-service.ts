import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { canAdmin, canGetRole, canGetUser, headerOf, type Credentials } from '../auth/guard.js';
import type { AuthError } from '../auth/errors.js';
import { hashPassword, verifyPassword } from '../auth/password.js';
import type * as rpc from '../gen/etcdserverpb.js';
import type { InternalRequestInit } from '../gen/raftkvpb.js';
import type { AuthStore } from '../auth/auth-store.js';
import type { ReadGate } from '../server/read-barrier.js';
import type { Writes } from '../server/writes.js';
import { reject, reply, credentialsOf, unary, type Reply } from './handler.js';
import { makeHeader, type HeaderSource } from './header.js';

type Header = { header: rpc.ResponseHeaderInit };

// etcdserverpb.Auth. Changes go through the log (auth/apply-auth.ts applies them); reads are served
// from this member's auth store after a read barrier. Everything but Authenticate needs the root
// role once auth is on, except that a user may read itself and the roles it has (as etcd 3.4).
export interface AuthDeps {
  header: HeaderSource;
  auth: AuthStore;
  gate: ReadGate;
  writes: Pick<Writes, 'authChange'>;
  /** --bcrypt-cost (already checked against bcrypt's range). */
  bcryptCost: number;
}

export function authService(d: AuthDeps, logger: Logger): rpc.AuthHandlers {
  const { auth, gate, writes } = d;

  /** Checks admin rights, proposes the change built by `build`, and answers with a header. */
  function change<Req>(build: (req: Req) => Promise<InternalRequestInit> | InternalRequestInit) {
    return unary(logger, async (req: Req, meta: grpc.Metadata): Promise<Reply<Header>> => {
      const denied = canAdmin(auth, credentialsOf(meta));
      if (denied !== undefined) return reject(denied);
      const r = await writes.authChange({ ...(await build(req)), header: headerOf(auth, credentialsOf(meta)) });
      if (!r.ok) return reject(r.error);
      return reply({ header: makeHeader(d.header, r.value.revision) });
    });
  }

  type Check<Req> = (who: Credentials, req: Req) => AuthError | undefined;
  const adminOnly = (who: Credentials): AuthError | undefined => canAdmin(auth, who);

  /** Checks the caller's rights (`allowed`) and serves `read` after a read barrier. */
  function read<Req, Res>(fn: (req: Req) => Reply<Res>, allowed: Check<Req> = adminOnly) {
    return unary(logger, async (req: Req, meta: grpc.Metadata): Promise<Reply<Res & Header>> => {
      const b = await gate.wait();
      if (!b.ok) return reject(b.error);
      const denied = allowed(credentialsOf(meta), req);
      if (denied !== undefined) return reject(denied);
      const r = fn(req);
      return r.ok ? reply({ ...r.value, header: makeHeader(d.header) }) : r;
    });
  }

  // The password is checked here, against this member's state after a read barrier; the log
  // entry carries only the name and the token's random part.
  async function authenticate(req: rpc.AuthenticateRequest): Promise<Reply<rpc.AuthenticateResponseInit>> {
    const b = await gate.wait();
    if (!b.ok) return reject(b.error);
    if (!auth.enabled) return reject({ kind: 'auth_not_enabled' });
    const user = auth.user(req.name);
    const stored = user?.password.toString() ?? '';
    if (user === undefined || user.options?.no_password === true || !(await verifyPassword(req.password, stored))) {
      return reject({ kind: 'auth_failed' });
    }
    const r = await writes.authChange({ authenticate: { name: req.name, token_prefix: auth.tokens.newPrefix() } });
    if (!r.ok) return reject(r.error);
    const token = r.value.value.type === 'auth' ? r.value.value.token : '';
    return reply({ header: makeHeader(d.header, r.value.revision), token });
  }

  const hashOf = async (password: string, noPassword: boolean): Promise<string> => (noPassword ? '' : await hashPassword(password, d.bcryptCost));

  return {
    AuthEnable: change(() => ({ auth_enable: {} })),
    AuthDisable: change(() => ({ auth_disable: {} })),
    Authenticate: unary(logger, authenticate),
    UserAdd: change(async (r: rpc.AuthUserAddRequest) => {
      const noPassword = r.options?.no_password ?? false;
      return { auth_user_add: { name: r.name, password: await hashOf(r.password, noPassword), options: { no_password: noPassword } } };
    }),
    UserDelete: change((r: rpc.AuthUserDeleteRequest) => ({ auth_user_delete: { name: r.name } })),
    UserChangePassword: change(async (r: rpc.AuthUserChangePasswordRequest) => ({
      auth_user_change_password: { name: r.name, password: await hashPassword(r.password, d.bcryptCost) },
    })),
    UserGrantRole: change((r: rpc.AuthUserGrantRoleRequest) => ({ auth_user_grant_role: { user: r.user, role: r.role } })),
    UserRevokeRole: change((r: rpc.AuthUserRevokeRoleRequest) => ({ auth_user_revoke_role: { name: r.name, role: r.role } })),
    RoleAdd: change((r: rpc.AuthRoleAddRequest) => ({ auth_role_add: { name: r.name } })),
    RoleDelete: change((r: rpc.AuthRoleDeleteRequest) => ({ auth_role_delete: { role: r.role } })),
    RoleGrantPermission: change((r: rpc.AuthRoleGrantPermissionRequest) => ({ auth_role_grant_permission: r })),
    RoleRevokePermission: change((r: rpc.AuthRoleRevokePermissionRequest) => ({ auth_role_revoke_permission: r })),
    UserGet: read((r: rpc.AuthUserGetRequest): Reply<{ roles: string[] }> => {
      const u = auth.user(r.name);
      return u === undefined ? reject({ kind: 'user_not_found' }) : reply({ roles: u.roles });
    }, (who, r) => canGetUser(auth, who, r.name)),
    UserList: read((): Reply<{ users: string[] }> => reply({ users: auth.userList() })),
    RoleGet: read((r: rpc.AuthRoleGetRequest): Reply<{ perm: rpc.AuthRoleGetResponseInit['perm'] }> => {
      const role = auth.role(r.role);
      return role === undefined ? reject({ kind: 'role_not_found' }) : reply({ perm: role.keyPermission });
    }, (who, r) => canGetRole(auth, who, r.role)),
    RoleList: read((): Reply<{ roles: string[] }> => reply({ roles: auth.roleList() })),
  };
}
