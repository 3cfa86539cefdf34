// Load and checks for cluster tests: concurrent writers that record every
// acknowledged put, per-member reads of a prefix, and HashKV comparison at a
// common revision.
import { randomBytes } from 'node:crypto';
import type { ClusterNode } from '../../cluster/cluster-node.js';
import { EtcdClient } from '../../src/client/index.js';
import { sleep } from './proc.js';

export interface Ack {
  value: string;
  /** When the put was sent and when it was acknowledged (Date.now()). */
  sentAt: number;
  ackedAt: number;
  revision: number;
}

export interface Writers {
  /** Every acknowledged put: key -> ack. */
  readonly acked: Map<string, Ack>;
  readonly attempts: number;
  readonly failures: number;
  /** Number of puts sent at or after `t` that were acknowledged. */
  ackedSince(t: number): number;
  /** The earliest acknowledgement of a put sent at or after `t`, or undefined. */
  firstAckSince(t: number): Ack | undefined;
  /** Stops every writer and waits for puts in flight to settle. */
  stop(): Promise<void>;
}

/**
 * `perEndpoint` writers on each endpoint, each pinned to it (its own
 * single-endpoint client), putting distinct keys under `prefix` until
 * stopped. Failed puts (timeouts, no leader, dead member) are retried with
 * a new key after a short pause; only acknowledged ones are recorded.
 */
export function startWriters(endpoints: readonly string[], opts: { prefix: string; perEndpoint?: number; timeoutMs?: number }): Writers {
  const acked = new Map<string, Ack>();
  let attempts = 0;
  let failures = 0;
  let stopped = false;
  const clients: EtcdClient[] = [];
  const loops: Promise<void>[] = [];
  const per = opts.perEndpoint ?? 2;
  endpoints.forEach((ep, e) => {
    for (let k = 0; k < per; k++) {
      const client = new EtcdClient([ep], { timeoutMs: opts.timeoutMs ?? 3000 });
      clients.push(client);
      const w = e * per + k;
      loops.push(
        (async () => {
          for (let i = 0; !stopped; i++) {
            const key = `${opts.prefix}w${String(w).padStart(2, '0')}/${String(i).padStart(7, '0')}`;
            const value = `${w}-${i}-${randomBytes(4).toString('hex')}`;
            const sentAt = Date.now();
            attempts++;
            try {
              const res = await client.put(key, value);
              acked.set(key, { value, sentAt, ackedAt: Date.now(), revision: res.header?.revision ?? 0 });
            } catch {
              failures++;
              await sleep(50);
            }
          }
        })(),
      );
    }
  });
  return {
    acked,
    get attempts() {
      return attempts;
    },
    get failures() {
      return failures;
    },
    ackedSince(t) {
      let n = 0;
      for (const a of acked.values()) if (a.sentAt >= t) n++;
      return n;
    },
    firstAckSince(t) {
      let first: Ack | undefined;
      for (const a of acked.values()) if (a.sentAt >= t && (first === undefined || a.ackedAt < first.ackedAt)) first = a;
      return first;
    },
    async stop() {
      stopped = true;
      await Promise.all(loops);
      for (const c of clients) c.close();
    },
  };
}

/** Every key under `prefix` on one member (a linearizable read unless serializable). */
export async function readPrefix(node: ClusterNode, prefix: string, opts: { serializable?: boolean } = {}): Promise<Map<string, string>> {
  const c = node.client(15_000);
  try {
    const res = await c.range(prefix, { prefix: true, serializable: opts.serializable === true });
    if (res.more) throw new Error(`range ${prefix} on ${node.name} returned more=true`);
    return new Map(res.kvs.map((kv) => [kv.key.toString('utf8'), kv.value.toString('utf8')]));
  } finally {
    c.close();
  }
}

/** Acknowledged keys missing from `have` or holding another value (empty when none). */
export function lostWrites(acked: ReadonlyMap<string, Ack>, have: ReadonlyMap<string, string>): string[] {
  const lost: string[] = [];
  for (const [k, a] of acked) if (have.get(k) !== a.value) lost.push(`${k} (want ${a.value}, have ${have.get(k) ?? 'nothing'})`);
  return lost;
}

/**
 * HashKV of each node at `revision`, polling a node while it has not applied
 * that revision yet (ErrFutureRev). Returns name -> { hash, compactRevision }.
 */
export async function hashesAt(
  nodes: readonly ClusterNode[],
  revision: number,
  timeoutMs = 20_000,
  /** Per HashKV call: a big store takes a while to hash, and a retry queues behind the first. */
  callTimeoutMs = 5000,
): Promise<Map<string, { hash: number; compactRevision: number }>> {
  const out = new Map<string, { hash: number; compactRevision: number }>();
  await Promise.all(
    nodes.map(async (n) => {
      const deadline = Date.now() + timeoutMs;
      const c = n.client(callTimeoutMs);
      try {
        for (;;) {
          try {
            const r = await c.hashKV(revision);
            out.set(n.name, { hash: r.hash, compactRevision: r.compact_revision });
            return;
          } catch (e) {
            if (Date.now() > deadline) throw new Error(`HashKV(${revision}) on ${n.name}: ${e instanceof Error ? e.message : String(e)}`);
            await sleep(100);
          }
        }
      } finally {
        c.close();
      }
    }),
  );
  return out;
}

/** A put through the given node; returns its revision. */
export async function putVia(node: ClusterNode, key: string, value: string): Promise<number> {
  const c = node.client(10_000);
  try {
    const r = await c.put(key, value);
    return r.header?.revision ?? 0;
  } finally {
    c.close();
  }
}

/** The JSON lines of a node's log, parsed (other lines skipped). */
export function logLines<T>(node: ClusterNode): T[] {
  return node
    .logText()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as T];
      } catch {
        return [];
      }
    });
}
