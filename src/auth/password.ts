import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

// Password hashes. etcd stores bcrypt hashes; raftkv uses scrypt from node:crypto (no native
// dependency). Hashes never leave a member's state, so only verification has to agree with
// itself, not with etcd. The hash is computed by the proposing member, so the log carries the
// hash and never the password.

const SCHEME = 'scrypt';
const KEY_LEN = 32;
const SALT_LEN = 16;

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LEN, (err, key) => (err === null ? resolve(key) : reject(err)));
  });
}

/** `scrypt$<salt base64>$<key base64>`, with a fresh random salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LEN);
  const key = await derive(password, salt);
  return `${SCHEME}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, key] = stored.split('$');
  if (scheme !== SCHEME || salt === undefined || key === undefined) return false;
  const want = Buffer.from(key, 'base64');
  const got = await derive(password, Buffer.from(salt, 'base64'));
  return want.length === got.length && timingSafeEqual(want, got);
}
