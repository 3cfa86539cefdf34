import { describe, expect, it } from 'vitest';
import * as authpb from '../../gen/authpb.js';
import { revokePermissionText, roleGetLines, userGetText } from './auth.js';
import { joinLines } from './lines.js';

const perm = (permType: authpb.Permission_Type, key: string, end: string): authpb.Permission => ({
  permType,
  key: Buffer.from(key, 'latin1'),
  range_end: Buffer.from(end, 'latin1'),
});

describe('auth simple output (etcdctl 3.4)', () => {
  it('role get: single keys, ranges, open ends and prefixes, by permission', () => {
    const r = {
      header: undefined,
      perm: [
        perm(authpb.Permission_Type.READWRITE, '/app/', '/app0'),
        perm(authpb.Permission_Type.WRITE, 'a', 'z'),
        perm(authpb.Permission_Type.READ, 'fk', '\x00'),
        perm(authpb.Permission_Type.READ, 'foo', ''),
        perm(authpb.Permission_Type.WRITE, '\xff', '\x00'),
      ],
    };
    expect(joinLines(roleGetLines('r', r)).toString('latin1')).toBe(
      'Role r\nKV Read:\n\t[/app/, /app0) (prefix /app/)\n\t[fk, <open ended>\n\tfoo\n' +
        'KV Write:\n\t[/app/, /app0) (prefix /app/)\n\t[a, z)\n\t[\xff, <open ended> (prefix \xff)\n',
    );
  });

  it('user get and revoke-permission', () => {
    expect(userGetText('u', { header: undefined, roles: [] })).toBe('User: u\nRoles:\n');
    expect(userGetText('u', { header: undefined, roles: ['a', 'b'] })).toBe('User: u\nRoles: a b\n');
    expect(revokePermissionText('r', 'k', Buffer.alloc(0))).toBe('Permission of key k is revoked from role r');
    expect(revokePermissionText('r', '', Buffer.from([0]))).toBe('Permission of range [, <open ended> is revoked from role r');
    expect(Buffer.from(revokePermissionText('r', 'a', Buffer.from('z'))).toString()).toBe('Permission of range [a, z) is revoked from role r');
  });
});
