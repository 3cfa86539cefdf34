// What nghttp2 accepts in an :authority value (nghttp2_check_authority):
// RFC 3986 authority characters. Node offers no switch to relax it, while Go
// servers (real etcd) accept e.g. "http://127.0.0.1:2379", which etcdctl sends.

const VALID = new Uint8Array(256);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~%!$&'()*+,;=:@[]") {
  VALID[c.charCodeAt(0)] = 1;
}

/** Octet that replaces each invalid one: same length keeps HPACK table sizes in sync. */
export const REPLACEMENT = 0x5f; // '_'

export function isValidAuthority(value: Uint8Array): boolean {
  for (let i = 0; i < value.length; i++) if (VALID[value[i] ?? 0] !== 1) return false;
  return true;
}

/** Replaces invalid octets in place. */
export function sanitizeAuthority(value: Uint8Array): void {
  for (let i = 0; i < value.length; i++) if (VALID[value[i] ?? 0] !== 1) value[i] = REPLACEMENT;
}
