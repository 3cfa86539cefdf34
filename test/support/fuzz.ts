// Seeded randomness and byte mutators for the fuzz tests in test/fuzz/, and their knobs:
// FUZZ_SECONDS (run length, per test file; CI keeps the default) and FUZZ_SEED (a run is
// replayed by its seed, which every fuzz test prints).
import { readFileSync } from 'node:fs';

export interface FuzzSettings {
  seconds: number;
  seed: number;
}

/** FUZZ_SECONDS / FUZZ_SEED, else `defaultSeconds` and a fixed seed. */
export function fuzzSettings(defaultSeconds: number): FuzzSettings {
  const secs = Number(process.env['FUZZ_SECONDS'] ?? defaultSeconds);
  const seed = Number(process.env['FUZZ_SEED'] ?? 0x5eed);
  if (!Number.isFinite(secs) || secs <= 0) throw new Error(`FUZZ_SECONDS must be a positive number, got ${process.env['FUZZ_SECONDS']}`);
  if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got ${process.env['FUZZ_SEED']}`);
  return { seconds: secs, seed: seed >>> 0 };
}

/** mulberry32: small, fast and good enough to drive mutations reproducibly. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }

  /** A length skewed to small values, up to `max`. */
  size(max: number): number {
    return Math.min(max, Math.floor(2 ** (this.next() * Math.log2(max + 1))));
  }
}

/** One random edit of `input`: flip, overwrite, insert, delete, duplicate or truncate. */
export function mutateOnce(rng: Rng, input: Buffer): Buffer {
  const b = Buffer.from(input);
  const at = b.length === 0 ? 0 : rng.int(b.length);
  switch (rng.int(7)) {
    case 0: // bit flip
      if (b.length > 0) b[at] = (b[at] ?? 0) ^ (1 << rng.int(8));
      return b;
    case 1: // interesting byte
      if (b.length > 0) b[at] = rng.pick([0, 1, 0x7f, 0x80, 0xff, rng.int(256)]);
      return b;
    case 2: // insert random bytes
      return Buffer.concat([b.subarray(0, at), rng.bytes(rng.size(64)), b.subarray(at)]);
    case 3: {
      // delete a run
      const n = rng.size(Math.max(1, b.length - at));
      return Buffer.concat([b.subarray(0, at), b.subarray(at + n)]);
    }
    case 4: {
      // duplicate a run several times (floods of a frame, repeated headers)
      const n = rng.size(Math.max(1, Math.min(64, b.length - at)));
      const run = b.subarray(at, at + n);
      return Buffer.concat([b.subarray(0, at + n), ...Array.from({ length: rng.size(200) }, () => run), b.subarray(at + n)]);
    }
    case 5: // truncate
      return b.subarray(0, at);
    default: {
      // overwrite a big-endian field with an extreme value
      const width = rng.pick([1, 2, 3, 4]);
      if (at + width <= b.length) b.writeUIntBE(rng.pick([0, 2 ** (8 * width) - 1, 2 ** (8 * width - 1), rng.int(2 ** (8 * width))]), at, width);
      return b;
    }
  }
}

/** 1..`max` edits in a row. */
export function mutate(rng: Rng, input: Buffer, max = 4): Buffer {
  let out = input;
  for (let n = 1 + rng.int(max); n > 0; n--) out = mutateOnce(rng, out);
  return out;
}

/** Cuts `data` into 1..8 pieces, to be written one by one (parsers must not care). */
export function pieces(rng: Rng, data: Buffer): Buffer[] {
  const cuts = new Set<number>();
  for (let n = rng.int(8); n > 0; n--) cuts.add(rng.int(data.length));
  const sorted = [...cuts].filter((c) => c > 0).sort((a, b) => a - b);
  const out: Buffer[] = [];
  let at = 0;
  for (const c of sorted) {
    out.push(data.subarray(at, c));
    at = c;
  }
  out.push(data.subarray(at));
  return out.filter((p) => p.length > 0);
}

/** Resident set size of process `pid` in bytes (Linux /proc). */
export function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (m === null) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}
