// The simple-format output of the user and role commands, as etcdctl 3.4's
// simplePrinter writes it. Keys are printed as stored (raw bytes).
import * as authpb from '../../gen/authpb.js';
import type * as rpc from '../../gen/etcdserverpb.js';
import { ALL_KEYS_END, prefixEnd } from '../../client/key-range.js';
import type { Line } from './lines.js';

const bytes = (...parts: (string | Buffer)[]): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));

/** One permission's line: the key, "[key, end)" or "[key, <open ended>", with " (prefix key)" for a prefix range. */
function permLine(p: authpb.Permission): Line {
  if (p.range_end.length === 0) return bytes('\t', p.key);
  const range = p.range_end.equals(ALL_KEYS_END) ? bytes('\t[', p.key, ', <open ended>') : bytes('\t[', p.key, ', ', p.range_end, ')');
  const isPrefix = p.key.length > 0 && prefixEnd(p.key).equals(p.range_end);
  return isPrefix ? bytes(range, ' (prefix ', p.key, ')') : range;
}

const reads = (t: authpb.Permission_Type): boolean => t === authpb.Permission_Type.READ || t === authpb.Permission_Type.READWRITE;
const writes = (t: authpb.Permission_Type): boolean => t === authpb.Permission_Type.WRITE || t === authpb.Permission_Type.READWRITE;

export function roleGetLines(role: string, r: rpc.AuthRoleGetResponse): Line[] {
  return [
    `Role ${role}`,
    'KV Read:',
    ...r.perm.filter((p) => reads(p.permType)).map(permLine),
    'KV Write:',
    ...r.perm.filter((p) => writes(p.permType)).map(permLine),
  ];
}

export function userGetText(name: string, r: rpc.AuthUserGetResponse): string {
  return `User: ${name}\nRoles:${r.roles.map((role) => ` ${role}`).join('')}\n`;
}

/** `key` as the user typed it; `end` the range end sent (empty for a single key). */
export function revokePermissionText(role: string, key: string, end: Buffer): Line {
  if (end.length === 0) return `Permission of key ${key} is revoked from role ${role}`;
  if (end.equals(ALL_KEYS_END)) return `Permission of range [${key}, <open ended> is revoked from role ${role}`;
  return bytes(`Permission of range [${key}, `, end, `) is revoked from role ${role}`);
}
