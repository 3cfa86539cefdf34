// kill -9 durability: a stream of concurrent puts (8 clients, distinct keys)
// records every acknowledged key; the node is SIGKILLed mid-stream, restarted
// on the same data dir, and every acknowledged key must be there with its
// value, revisions must not go backwards. Repeated 3 times in one test. The
// same for lease grants: every granted lease must still be listed.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { prereqs } from '../support/env.js';
import { prefixEnd, RawEtcdClient } from '../support/grpc.js';
import { startNode, type NodeHandle } from '../support/node.js';
import { waitFor } from '../support/proc.js';

const pre = prereqs({});

const WRITERS = 8;
const ROUNDS = 3;

describe.skipIf(pre.skip)('crash: kill -9 and restart on the same data dir', () => {
  let node: NodeHandle | undefined;
  const n = (): NodeHandle => {
    if (node === undefined) throw new Error('node not available: beforeAll failed');
    return node;
  };

  beforeAll(async () => {
    pre.assert();
    node = await startNode();
  });

  beforeEach((ctx) => {
    ctx.onTestFailed(() => {
      if (node !== undefined) console.error(`--- ${node.target} log tail (${node.logFile}):\n${node.logTail(40)}`);
    });
  });

  afterAll(async () => {
    await node?.stop();
  });

  async function readAll(prefix: string): Promise<Map<string, string>> {
    const c = new RawEtcdClient(n().endpoint);
    try {
      const res = await c.range(prefix, { rangeEnd: prefixEnd(prefix), timeoutMs: 10_000 });
      expect(res.more).toBe(false);
      return new Map(res.kvs.map((kv) => [kv.key, kv.value]));
    } finally {
      c.close();
    }
  }

  it(`acknowledged puts survive kill -9 (${ROUNDS} rounds, ${WRITERS} concurrent writers)`, async () => {
    const acked = new Map<string, string>();
    const attempted = new Set<string>();
    let maxAckedRev = 0n;

    for (let round = 0; round < ROUNDS; round++) {
      const killAfter = 200 + Math.floor(Math.random() * 400);
      const clients = Array.from({ length: WRITERS }, () => new RawEtcdClient(n().endpoint));
      let stop = false;
      let acks = 0;
      const workers = clients.map(async (cl, w) => {
        for (let i = 0; !stop; i++) {
          const key = `/crash/r${round}/w${w}/${String(i).padStart(6, '0')}`;
          const value = `${round}-${w}-${i}-${randomBytes(6).toString('hex')}`;
          attempted.add(key);
          try {
            const header = await cl.put(key, value, { timeoutMs: 5000 });
            acked.set(key, value);
            if (header.revision > maxAckedRev) maxAckedRev = header.revision;
            acks++;
          } catch {
            return; // the server is gone
          }
        }
      });
      try {
        await waitFor(`${killAfter} acknowledged puts in round ${round}`, () => (acks >= killAfter ? true : undefined), 30_000, 5);
        const status = await n().kill('SIGKILL');
        expect(status).toBe(137);
      } finally {
        stop = true;
        await Promise.all(workers);
        for (const cl of clients) cl.close();
      }

      await n().restart();
      const present = await readAll('/crash/');
      const missing: string[] = [];
      const wrong: string[] = [];
      for (const [k, v] of acked) {
        const got = present.get(k);
        if (got === undefined) missing.push(k);
        else if (got !== v) wrong.push(`${k}: ${got} != ${v}`);
      }
      const unexpected = [...present.keys()].filter((k) => !attempted.has(k));
      expect({ round, acked: acked.size, missing: missing.slice(0, 10), missingCount: missing.length, wrong: wrong.slice(0, 10), unexpected }).toEqual({
        round,
        acked: acked.size,
        missing: [],
        missingCount: 0,
        wrong: [],
        unexpected: [],
      });

      // the store continues after the last acknowledged revision
      const c = new RawEtcdClient(n().endpoint);
      try {
        const header = await c.put(`/after-restart/${round}`, 'x');
        expect(header.revision > maxAckedRev).toBe(true);
        maxAckedRev = header.revision;
      } finally {
        c.close();
      }
    }
  });

  it('granted leases survive kill -9', async () => {
    const granted = new Set<bigint>();
    const badTtls: bigint[] = [];
    const clients = Array.from({ length: 4 }, () => new RawEtcdClient(n().endpoint));
    let stop = false;
    const killAfter = 50 + Math.floor(Math.random() * 100);
    const workers = clients.map(async (cl) => {
      while (!stop) {
        let res: { id: bigint; ttl: bigint };
        try {
          res = await cl.leaseGrant(600, 5000);
        } catch {
          return; // the server is gone
        }
        granted.add(res.id);
        if (res.ttl !== 600n) badTtls.push(res.ttl);
      }
    });
    try {
      await waitFor(`${killAfter} lease grants`, () => (granted.size >= killAfter ? true : undefined), 30_000, 5);
      expect(await n().kill('SIGKILL')).toBe(137);
    } finally {
      stop = true;
      await Promise.all(workers);
      for (const cl of clients) cl.close();
    }

    await n().restart();
    const c = new RawEtcdClient(n().endpoint);
    try {
      const listed = new Set(await c.leaseLeases());
      const lost = [...granted].filter((id) => !listed.has(id)).map((id) => id.toString(16));
      expect({ granted: granted.size, lost, badTtls }).toEqual({ granted: granted.size, lost: [], badTtls: [] });
      // and a lease granted after the restart gets an ID of its own
      const fresh = await c.leaseGrant(60);
      expect(granted.has(fresh.id)).toBe(false);
    } finally {
      c.close();
    }
  });
});
