import type Database from 'better-sqlite3';
import { Role, User, type Permission } from '../gen/authpb.js';
import { authError, type AuthError } from './errors.js';
import { covers, grantedIntervals, type Access, type KeyInterval } from './key-perms.js';
import { SimpleTokens } from './simple-tokens.js';
import type { TokenProvider } from './tokens.js';

export const ROOT = 'root';

export type AuthResult<T> = { ok: true; value: T } | { ok: false; error: AuthError };

function no<T>(kind: AuthError['kind']): AuthResult<T> {
  return { ok: false, error: authError(kind) };
}

interface Row {
  name: string;
  record: Buffer;
}

// Users, roles and their permissions, the enabled flag and the auth revision. They live in tables
// of the state database (so they travel in snapshots) and change only when the applier applies an
// auth entry, so every member agrees. Reads come from an in-memory copy, reloaded on start and
// after a snapshot install. Also holds this member's token provider (--auth-token).
export class AuthStore {
  private users = new Map<string, User>();
  private roles = new Map<string, Role>();
  private enabledFlag = false;
  private rev = 0;
  /** Per user and access kind: the intervals the user's roles grant (cleared on every change). */
  private readonly permCache = new Map<string, KeyInterval[]>();
  private readonly stmt;

  constructor(
    private readonly db: Database.Database,
    readonly tokens: TokenProvider = new SimpleTokens(),
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS auth_users (name TEXT PRIMARY KEY, record BLOB NOT NULL);
      CREATE TABLE IF NOT EXISTS auth_roles (name TEXT PRIMARY KEY, record BLOB NOT NULL);
      CREATE TABLE IF NOT EXISTS auth_meta (id INTEGER PRIMARY KEY CHECK (id = 0), enabled INTEGER NOT NULL, revision INTEGER NOT NULL);
      INSERT OR IGNORE INTO auth_meta (id, enabled, revision) VALUES (0, 0, 0);
    `);
    this.stmt = {
      putUser: db.prepare<[string, Buffer]>('INSERT OR REPLACE INTO auth_users (name, record) VALUES (?, ?)'),
      delUser: db.prepare<[string]>('DELETE FROM auth_users WHERE name = ?'),
      putRole: db.prepare<[string, Buffer]>('INSERT OR REPLACE INTO auth_roles (name, record) VALUES (?, ?)'),
      delRole: db.prepare<[string]>('DELETE FROM auth_roles WHERE name = ?'),
      saveMeta: db.prepare<[number, number]>('UPDATE auth_meta SET enabled = ?, revision = ? WHERE id = 0'),
    };
    this.reload();
  }

  /**
   * Re-reads everything from the tables (start, snapshot install). Tokens survive a snapshot
   * install as long as auth stays on and their user still exists.
   */
  reload(): void {
    this.users = new Map(
      (this.db.prepare('SELECT name, record FROM auth_users').all() as Row[]).map((r) => [r.name, User.decode(r.record)]),
    );
    this.roles = new Map(
      (this.db.prepare('SELECT name, record FROM auth_roles').all() as Row[]).map((r) => [r.name, Role.decode(r.record)]),
    );
    const meta = this.db.prepare('SELECT enabled, revision FROM auth_meta WHERE id = 0').get() as { enabled: number; revision: number };
    this.enabledFlag = meta.enabled === 1;
    this.rev = meta.revision;
    this.permCache.clear();
    if (this.enabledFlag) this.tokens.retainUsers((u) => this.users.has(u));
    else this.tokens.clear();
  }

  get enabled(): boolean {
    return this.enabledFlag;
  }

  revision(): number {
    return this.rev;
  }

  // ---- reads ----

  user(name: string): User | undefined {
    return this.users.get(name);
  }

  userList(): string[] {
    return [...this.users.keys()].sort();
  }

  role(name: string): Role | undefined {
    return this.roles.get(name);
  }

  roleList(): string[] {
    return [...this.roles.keys()].sort();
  }

  isAdmin(name: string): boolean {
    return this.users.get(name)?.roles.includes(ROOT) ?? false;
  }

  /** Undefined when `user` may access all of `want` (always, while auth is off). */
  check(user: string, want: KeyInterval, access: Access): AuthError | undefined {
    if (!this.enabledFlag || this.isAdmin(user)) return undefined;
    if (!this.users.has(user)) return authError('permission_denied');
    return covers(this.granted(user, access), want) ? undefined : authError('permission_denied');
  }

  private granted(user: string, access: Access): KeyInterval[] {
    const key = `${access}\0${user}`;
    let ivs = this.permCache.get(key);
    if (ivs === undefined) {
      const perms: Permission[] = [];
      for (const r of this.users.get(user)?.roles ?? []) perms.push(...(this.roles.get(r)?.keyPermission ?? []));
      ivs = grantedIntervals(perms, access);
      this.permCache.set(key, ivs);
    }
    return ivs;
  }

  // ---- changes (called by the applier only) ----

  enable(): AuthError | undefined {
    if (this.enabledFlag) return undefined;
    const root = this.users.get(ROOT);
    if (root === undefined) return authError('root_user_not_exist');
    if (!root.roles.includes(ROOT)) return authError('root_role_not_exist');
    this.enabledFlag = true;
    this.bump();
    return undefined;
  }

  disable(): void {
    if (!this.enabledFlag) return;
    this.enabledFlag = false;
    this.tokens.clear();
    this.bump();
  }

  /**
   * Hands out a token for `name` (the proposer already checked the password): a simple token is
   * `<prefix>.<index>`, a JWT carries the auth revision.
   */
  authenticate(name: string, prefix: string, index: number): AuthResult<string> {
    if (!this.enabledFlag) return no('auth_not_enabled');
    if (!this.users.has(name)) return no('auth_failed');
    return this.tokens.assign(name, this.rev, prefix, index);
  }

  userAdd(name: string, passwordHash: string, noPassword: boolean): AuthError | undefined {
    if (name === '') return authError('user_empty');
    if (this.users.has(name)) return authError('user_exists');
    this.saveUser({ name: Buffer.from(name), password: Buffer.from(passwordHash), roles: [], options: { no_password: noPassword } });
    return undefined;
  }

  userDelete(name: string): AuthError | undefined {
    if (this.enabledFlag && name === ROOT) return authError('invalid_auth_mgmt');
    if (!this.users.has(name)) return authError('user_not_found');
    this.users.delete(name);
    this.stmt.delUser.run(name);
    this.tokens.invalidateUser(name);
    this.bump();
    return undefined;
  }

  userChangePassword(name: string, passwordHash: string): AuthError | undefined {
    const u = this.users.get(name);
    if (u === undefined) return authError('user_not_found');
    this.saveUser({ ...u, password: Buffer.from(passwordHash) });
    this.tokens.invalidateUser(name);
    return undefined;
  }

  userGrantRole(name: string, role: string): AuthError | undefined {
    const u = this.users.get(name);
    if (u === undefined) return authError('user_not_found');
    // The root role may be granted before it exists, as in etcd.
    if (role !== ROOT && !this.roles.has(role)) return authError('role_not_found');
    if (u.roles.includes(role)) return undefined;
    this.saveUser({ ...u, roles: [...u.roles, role].sort() });
    return undefined;
  }

  userRevokeRole(name: string, role: string): AuthError | undefined {
    if (this.enabledFlag && name === ROOT && role === ROOT) return authError('invalid_auth_mgmt');
    const u = this.users.get(name);
    if (u === undefined) return authError('user_not_found');
    if (!u.roles.includes(role)) return authError('role_not_granted');
    this.saveUser({ ...u, roles: u.roles.filter((r) => r !== role) });
    return undefined;
  }

  roleAdd(name: string): AuthError | undefined {
    if (name === '') return authError('role_empty');
    if (this.roles.has(name)) return authError('role_exists');
    this.saveRole({ name: Buffer.from(name), keyPermission: [] });
    return undefined;
  }

  roleDelete(name: string): AuthError | undefined {
    if (this.enabledFlag && name === ROOT) return authError('invalid_auth_mgmt');
    if (!this.roles.has(name)) return authError('role_not_found');
    this.roles.delete(name);
    this.stmt.delRole.run(name);
    for (const u of [...this.users.values()]) {
      if (u.roles.includes(name)) this.saveUser({ ...u, roles: u.roles.filter((r) => r !== name) });
    }
    this.bump();
    return undefined;
  }

  roleGrantPermission(name: string, perm: Permission): AuthError | undefined {
    const r = this.roles.get(name);
    if (r === undefined) return authError('role_not_found');
    const same = (p: Permission): boolean => p.key.equals(perm.key) && p.range_end.equals(perm.range_end);
    const perms = r.keyPermission.filter((p) => !same(p));
    perms.push({ permType: perm.permType, key: perm.key, range_end: perm.range_end });
    perms.sort((a, b) => Buffer.compare(a.key, b.key));
    this.saveRole({ ...r, keyPermission: perms });
    return undefined;
  }

  roleRevokePermission(name: string, key: Buffer, rangeEnd: Buffer): AuthError | undefined {
    const r = this.roles.get(name);
    if (r === undefined) return authError('role_not_found');
    const perms = r.keyPermission.filter((p) => !(p.key.equals(key) && p.range_end.equals(rangeEnd)));
    if (perms.length === r.keyPermission.length) return authError('permission_not_granted');
    this.saveRole({ ...r, keyPermission: perms });
    return undefined;
  }

  private saveUser(u: User): void {
    const name = u.name.toString();
    this.users.set(name, u);
    this.stmt.putUser.run(name, Buffer.from(User.encode(u).finish()));
    this.bump();
  }

  private saveRole(r: Role): void {
    const name = r.name.toString();
    this.roles.set(name, r);
    this.stmt.putRole.run(name, Buffer.from(Role.encode(r).finish()));
    this.bump();
  }

  /** Every change moves the auth revision and invalidates the permission cache. */
  private bump(): void {
    this.rev++;
    this.permCache.clear();
    this.stmt.saveMeta.run(this.enabledFlag ? 1 : 0, this.rev);
  }
}
