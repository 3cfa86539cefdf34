import bcrypt from 'bcryptjs';
import { scrypt, timingSafeEqual } from 'node:crypto';

// Password hashes, stored as etcd stores them: bcrypt (Go's "$2a$" form) at --bcrypt-cost, so
// users carry over between raftkv and etcd in snapshot files both ways. The proposing member
// hashes, so the log carries the hash and never the password. bcryptjs (pure JS, no native
// build) does the hashing; Go's bcrypt and bcryptjs compute the same hash for a given salt.
// Data dirs written before bcrypt hold scrypt hashes ("scrypt$salt$key"): they still verify.

/** etcd's default --bcrypt-cost, and what it falls back to outside bcrypt's range. */
export const DEFAULT_BCRYPT_COST = 10;
const MIN_COST = 4;
const MAX_COST = 31;

/** etcd's rule: a cost outside [4, 31] is replaced by the default, with a warning. */
export function effectiveBcryptCost(cost: number): { cost: number; warning?: string } {
  if (cost >= MIN_COST && cost <= MAX_COST) return { cost };
  return { cost: DEFAULT_BCRYPT_COST, warning: `Use default bcrypt-cost ${DEFAULT_BCRYPT_COST} instead of the invalid value ${cost}` };
}

export async function hashPassword(password: string, cost: number = DEFAULT_BCRYPT_COST): Promise<string> {
  const h = await bcrypt.hash(password, cost);
  // bcryptjs writes the "$2b$" tag; Go writes "$2a$" for the same computation.
  return h.replace(/^\$2b\$/, '$2a$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (stored.startsWith('$2')) return bcrypt.compare(password, stored);
  if (stored.startsWith(`${SCRYPT}$`)) return verifyScrypt(password, stored);
  return false;
}

// ---- hashes written by raftkv before bcrypt ----

const SCRYPT = 'scrypt';
const SCRYPT_KEY_LEN = 32;

function verifyScrypt(password: string, stored: string): Promise<boolean> {
  const [, salt, key] = stored.split('$');
  if (salt === undefined || key === undefined) return Promise.resolve(false);
  const want = Buffer.from(key, 'base64');
  return new Promise((resolve) => {
    scrypt(password, Buffer.from(salt, 'base64'), SCRYPT_KEY_LEN, (err, got) => {
      resolve(err === null && want.length === got.length && timingSafeEqual(want, got));
    });
  });
}
