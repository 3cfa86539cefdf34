// The workloads of `check perf` and `check datascale`, as etcdctl 3.4 defines
// them, and the keys they write.
import { randomBytes } from 'node:crypto';
import { CtlError, ExitCode } from './exit.js';

export interface PerfWorkload {
  /** Puts per second asked for. */
  limit: number;
  clients: number;
  durationS: number;
}

export interface DatascaleWorkload {
  /** Puts in all. */
  limit: number;
  kvSize: number;
  clients: number;
}

export const PERF_WORKLOADS: Record<string, PerfWorkload> = {
  s: { limit: 150, clients: 50, durationS: 60 },
  m: { limit: 1000, clients: 200, durationS: 60 },
  l: { limit: 8000, clients: 500, durationS: 60 },
  xl: { limit: 15000, clients: 1000, durationS: 60 },
};

export const DATASCALE_WORKLOADS: Record<string, DatascaleWorkload> = {
  s: { limit: 10_000, kvSize: 1024, clients: 50 },
  m: { limit: 100_000, kvSize: 1024, clients: 200 },
  l: { limit: 1_000_000, kvSize: 1024, clients: 500 },
  // Three versions of 1M objects: the upper bound.
  xl: { limit: 3_000_000, kvSize: 1024, clients: 1000 },
};

const LOAD_ALIASES: Record<string, string> = {
  s: 's',
  small: 's',
  m: 'm',
  medium: 'm',
  l: 'l',
  large: 'l',
  xl: 'xl',
  xLarge: 'xl',
};

/** The workload named by --load (s|small, m|medium, l|large, xl|xLarge). */
export function pickWorkload<T>(table: Record<string, T>, load: string): T {
  const model = Object.hasOwn(LOAD_ALIASES, load) ? LOAD_ALIASES[load] : undefined;
  const w = model === undefined ? undefined : table[model];
  if (w === undefined) throw new CtlError(`unknown load option ${load}`, ExitCode.BadFeature);
  return w;
}

/** Random bytes drawn a block at a time: one crypto call per key cost as much as the rest of making it. */
const pool = { bytes: Buffer.alloc(0), at: 0 };

function random8(): Buffer {
  if (pool.at + 8 > pool.bytes.length) {
    pool.bytes = randomBytes(8 * 1024);
    pool.at = 0;
  }
  const b = pool.bytes.subarray(pool.at, pool.at + 8);
  pool.at += 8;
  return b;
}

/**
 * A key as etcdctl makes it: the prefix, then `size` bytes that start with a
 * random non-negative int63 as a zig-zag varint (Go's binary.PutVarint) and
 * are zero after it.
 */
export function randomKey(prefix: Buffer, size: number): Buffer {
  const key = Buffer.alloc(prefix.length + size);
  prefix.copy(key);
  // v = 64 random bits >> 1, in [0, 2^63); its zig-zag, v << 1, is those 64 bits with the lowest
  // cleared, held as two uint32 halves (no BigInt: it was most of the cost).
  const r = random8();
  let hi = r.readUInt32BE(0);
  let lo = (r.readUInt32BE(4) & ~1) >>> 0;
  let i = prefix.length;
  while (hi !== 0 || lo >= 0x80) {
    key[i++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  key[i] = lo;
  return key;
}
