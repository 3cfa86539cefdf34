import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Permission_Type } from '../gen/authpb.js';
import { AuthStore } from './auth-store.js';
import { toInterval } from './key-perms.js';
import { scryptSync } from 'node:crypto';
import { effectiveBcryptCost, hashPassword, verifyPassword } from './password.js';
import { SimpleTokens } from './simple-tokens.js';

const b = (s: string): Buffer => Buffer.from(s);
const key = (k: string) => toInterval(b(k), Buffer.alloc(0));

function fresh(): { db: Database.Database; auth: AuthStore } {
  const db = new Database(':memory:');
  return { db, auth: new AuthStore(db) };
}

describe('AuthStore', () => {
  it('users and roles: etcd errors', () => {
    const { auth } = fresh();
    expect(auth.userAdd('', 'h', false)?.kind).toBe('user_empty');
    expect(auth.userAdd('bob', 'h', false)).toBeUndefined();
    expect(auth.userAdd('bob', 'h', false)?.kind).toBe('user_exists');
    expect(auth.roleAdd('')?.kind).toBe('role_empty');
    expect(auth.roleAdd('r')).toBeUndefined();
    expect(auth.roleAdd('r')?.kind).toBe('role_exists');
    expect(auth.userGrantRole('nobody', 'r')?.kind).toBe('user_not_found');
    expect(auth.userGrantRole('bob', 'nope')?.kind).toBe('role_not_found');
    expect(auth.userGrantRole('bob', 'r')).toBeUndefined();
    expect(auth.userGrantRole('bob', 'r')).toBeUndefined(); // granting twice is fine
    expect(auth.user('bob')?.roles).toEqual(['r']);
    expect(auth.userRevokeRole('bob', 'other')?.kind).toBe('role_not_granted');
    expect(auth.roleRevokePermission('r', b('k'), Buffer.alloc(0))?.kind).toBe('permission_not_granted');
    expect(auth.roleDelete('nope')?.kind).toBe('role_not_found');
    expect(auth.userDelete('nope')?.kind).toBe('user_not_found');
    expect(auth.roleDelete('r')).toBeUndefined();
    expect(auth.user('bob')?.roles).toEqual([]); // a deleted role leaves its users
  });

  it('permissions are kept sorted by key; granting the same range again replaces its type', () => {
    const { auth } = fresh();
    auth.roleAdd('r');
    auth.roleGrantPermission('r', { permType: Permission_Type.READ, key: b('foo'), range_end: Buffer.alloc(0) });
    auth.roleGrantPermission('r', { permType: Permission_Type.READWRITE, key: b('/app/'), range_end: b('/app0') });
    auth.roleGrantPermission('r', { permType: Permission_Type.WRITE, key: b('foo'), range_end: Buffer.alloc(0) });
    expect(auth.role('r')?.keyPermission.map((p) => [p.key.toString(), p.permType])).toEqual([
      ['/app/', Permission_Type.READWRITE],
      ['foo', Permission_Type.WRITE],
    ]);
  });

  it('enable needs user root with role root; root and its role are protected while enabled', () => {
    const { auth } = fresh();
    expect(auth.enable()?.kind).toBe('root_user_not_exist');
    auth.userAdd('root', 'h', false);
    expect(auth.enable()?.kind).toBe('root_role_not_exist');
    expect(auth.userGrantRole('root', 'root')).toBeUndefined(); // before the role exists, as in etcd
    expect(auth.enable()).toBeUndefined();
    expect(auth.enabled).toBe(true);
    expect(auth.enable()).toBeUndefined();
    expect(auth.userDelete('root')?.kind).toBe('invalid_auth_mgmt');
    expect(auth.userRevokeRole('root', 'root')?.kind).toBe('invalid_auth_mgmt');
    auth.roleAdd('root');
    expect(auth.roleDelete('root')?.kind).toBe('invalid_auth_mgmt');
  });

  it('checks access through the user roles; root may do anything; off means open', () => {
    const { auth } = fresh();
    auth.userAdd('root', 'h', false);
    auth.userGrantRole('root', 'root');
    auth.userAdd('alice', 'h', false);
    auth.roleAdd('app');
    auth.roleGrantPermission('app', { permType: Permission_Type.READ, key: b('/app/'), range_end: b('/app0') });
    auth.userGrantRole('alice', 'app');
    expect(auth.check('alice', key('/etc'), 'read')).toBeUndefined(); // auth off
    auth.enable();
    expect(auth.check('alice', key('/app/x'), 'read')).toBeUndefined();
    expect(auth.check('alice', key('/app/x'), 'write')?.kind).toBe('permission_denied');
    expect(auth.check('alice', key('/etc'), 'read')?.kind).toBe('permission_denied');
    expect(auth.check('root', key('/etc'), 'write')).toBeUndefined();
    expect(auth.check('ghost', key('/app/x'), 'read')?.kind).toBe('permission_denied');
    auth.roleGrantPermission('app', { permType: Permission_Type.READWRITE, key: b('/app/'), range_end: b('/app0') });
    expect(auth.check('alice', key('/app/x'), 'write')).toBeUndefined(); // the cache follows changes
    auth.userRevokeRole('alice', 'app');
    expect(auth.check('alice', key('/app/x'), 'read')?.kind).toBe('permission_denied');
  });

  it('tokens: assigned only while enabled, dropped with the user, a password change or auth disable', () => {
    const { auth } = fresh();
    auth.userAdd('root', 'h', false);
    auth.userGrantRole('root', 'root');
    auth.userAdd('bob', 'h', false);
    expect(auth.authenticate('bob', 't', 1)).toEqual({ ok: false, error: { kind: 'auth_not_enabled' } });
    auth.enable();
    expect(auth.authenticate('nobody', 't', 2)).toEqual({ ok: false, error: { kind: 'auth_failed' } });
    expect(auth.authenticate('bob', 't', 3)).toEqual({ ok: true, value: 't.3' });
    expect(auth.tokens.info('t.3')).toEqual({ user: 'bob', revision: undefined });
    auth.userChangePassword('bob', 'h2');
    expect(auth.tokens.info('t.3')).toBeUndefined();
    auth.authenticate('bob', 't', 4);
    auth.authenticate('root', 't', 5);
    auth.userDelete('bob');
    expect(auth.tokens.info('t.4')).toBeUndefined();
    expect(auth.tokens.info('t.5')?.user).toBe('root');
    auth.disable();
    expect(auth.tokens.info('t.5')).toBeUndefined();
  });

  it('state persists in the database and is reloaded; the revision moves with every change', () => {
    const { db, auth } = fresh();
    auth.userAdd('root', 'h', false);
    auth.userGrantRole('root', 'root');
    auth.roleAdd('r');
    auth.roleGrantPermission('r', { permType: Permission_Type.WRITE, key: b('a'), range_end: b('\0') });
    auth.enable();
    const rev = auth.revision();
    expect(rev).toBeGreaterThan(0);
    const again = new AuthStore(db);
    expect(again.enabled).toBe(true);
    expect(again.revision()).toBe(rev);
    expect(again.userList()).toEqual(['root']);
    expect(again.user('root')?.roles).toEqual(['root']);
    expect(again.role('r')?.keyPermission[0]?.range_end).toEqual(b('\0'));
    expect(again.roleList()).toEqual(['r']);
  });
});

describe('passwords and simple tokens', () => {
  it("bcrypt hashes (Go's $2a$ form, at the given cost) verify the right password only, with per-user salt", async () => {
    const h1 = await hashPassword('secret', 4);
    const h2 = await hashPassword('secret', 4);
    expect(h1).toMatch(/^\$2a\$04\$/);
    expect(h1).not.toBe(h2);
    expect(await verifyPassword('secret', h1)).toBe(true);
    expect(await verifyPassword('Secret', h1)).toBe(false);
    expect(await verifyPassword('secret', '')).toBe(false);
  });

  it('scrypt hashes from data dirs written before bcrypt still verify', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const legacy = `scrypt$${salt.toString('base64')}$${scryptSync('secret', salt, 32).toString('base64')}`;
    expect(await verifyPassword('secret', legacy)).toBe(true);
    expect(await verifyPassword('Secret', legacy)).toBe(false);
    expect(await verifyPassword('secret', 'scrypt$broken')).toBe(false);
  });

  it('--bcrypt-cost outside [4, 31] falls back to 10 with etcd\'s warning', () => {
    expect(effectiveBcryptCost(12)).toEqual({ cost: 12 });
    expect(effectiveBcryptCost(3)).toEqual({ cost: 10, warning: 'Use default bcrypt-cost 10 instead of the invalid value 3' });
    expect(effectiveBcryptCost(40)).toEqual({ cost: 10, warning: 'Use default bcrypt-cost 10 instead of the invalid value 40' });
  });

  it('a token lives for its TTL after its last use', () => {
    let now = 0;
    const t = new SimpleTokens(1000, () => now);
    t.assign('bob', 0, 'x', 1);
    now = 900;
    expect(t.user('x.1')).toBe('bob'); // refreshed
    now = 1800;
    expect(t.user('x.1')).toBe('bob');
    now = 2900;
    expect(t.user('x.1')).toBeUndefined();
    expect(t.size()).toBe(0);
  });
});
