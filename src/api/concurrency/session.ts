import type { Reply } from '../handler.js';
import type { SessionClient } from './session-client.js';

/** concurrency.NewSession's TTL when it has to grant its own lease. */
const DEFAULT_SESSION_TTL = 60;

/**
 * The lease a lock or election call works under: the caller's, or (lease 0) a new 60 s lease, as
 * etcd's servers open an orphaned concurrency.Session (nothing keeps the new lease alive).
 */
export async function sessionLease(c: SessionClient, lease: bigint): Promise<Reply<bigint>> {
  if (lease !== 0n) return { ok: true, value: lease };
  return c.grant(DEFAULT_SESSION_TTL);
}

/** The key a session holds under a prefix: Go's fmt "%s%x" of prefix and lease ID. */
export function sessionKey(pfx: Buffer, lease: bigint): Buffer {
  const hex = lease < 0n ? `-${(-lease).toString(16)}` : lease.toString(16);
  return Buffer.concat([pfx, Buffer.from(hex)]);
}

/** A name's key prefix: the name and a slash. */
export function prefixOf(name: Buffer): Buffer {
  return Buffer.concat([name, Buffer.from('/')]);
}
