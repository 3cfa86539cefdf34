import { describe, expect, it } from 'vitest';
import { Permission_Type, type Permission } from '../gen/authpb.js';
import { covers, grantedIntervals, toInterval } from './key-perms.js';

const b = (s: string): Buffer => Buffer.from(s);
const perm = (permType: Permission_Type, key: string, rangeEnd = ''): Permission => ({ permType, key: b(key), range_end: b(rangeEnd) });
const ALL_FROM = '\0';

function allowed(perms: Permission[], access: 'read' | 'write', key: string, rangeEnd = ''): boolean {
  return covers(grantedIntervals(perms, access), toInterval(b(key), b(rangeEnd)));
}

describe('permission matching', () => {
  const perms = [
    perm(Permission_Type.READWRITE, '/app/', '/app0'), // prefix /app/
    perm(Permission_Type.READ, 'foo'), // single key
    perm(Permission_Type.WRITE, 'w/', 'w0'),
  ];

  it('a single-key permission covers exactly that key', () => {
    expect(allowed(perms, 'read', 'foo')).toBe(true);
    expect(allowed(perms, 'read', 'foo2')).toBe(false);
    expect(allowed(perms, 'read', 'fo')).toBe(false);
    expect(allowed(perms, 'write', 'foo')).toBe(false);
  });

  it('a prefix permission covers its keys and sub-ranges, not beyond', () => {
    expect(allowed(perms, 'read', '/app/a')).toBe(true);
    expect(allowed(perms, 'write', '/app/a')).toBe(true);
    expect(allowed(perms, 'read', '/app/', '/app0')).toBe(true);
    expect(allowed(perms, 'read', '/app/b', '/app/c')).toBe(true);
    expect(allowed(perms, 'read', '/app/', '/app1')).toBe(false);
    expect(allowed(perms, 'read', '/ap', '/app/x')).toBe(false);
    expect(allowed(perms, 'read', '/app/', ALL_FROM)).toBe(false);
  });

  it('READ and WRITE are separate; READWRITE grants both', () => {
    expect(allowed(perms, 'write', 'w/x')).toBe(true);
    expect(allowed(perms, 'read', 'w/x')).toBe(false);
  });

  it('adjacent and overlapping grants combine', () => {
    const split = [perm(Permission_Type.READ, 'a', 'c'), perm(Permission_Type.READ, 'c', 'e'), perm(Permission_Type.READ, 'b', 'd')];
    expect(allowed(split, 'read', 'a', 'e')).toBe(true);
    expect(allowed(split, 'read', 'a', 'f')).toBe(false);
    const gap = [perm(Permission_Type.READ, 'a', 'c'), perm(Permission_Type.READ, 'd', 'e')];
    expect(allowed(gap, 'read', 'a', 'e')).toBe(false);
  });

  it('from-key permissions are open-ended', () => {
    const fromM = [perm(Permission_Type.READ, 'm', ALL_FROM)];
    expect(allowed(fromM, 'read', 'zzz')).toBe(true);
    expect(allowed(fromM, 'read', 'm', ALL_FROM)).toBe(true);
    expect(allowed(fromM, 'read', 'l', ALL_FROM)).toBe(false);
    const all = [perm(Permission_Type.READ, '', ALL_FROM)];
    expect(allowed(all, 'read', '', ALL_FROM)).toBe(true);
  });

  it('an empty or inverted request range is refused', () => {
    const all = [perm(Permission_Type.READ, '', ALL_FROM)];
    expect(allowed(all, 'read', 'b', 'a')).toBe(false);
  });

  it('no permissions, no access', () => {
    expect(allowed([], 'read', 'x')).toBe(false);
  });
});
