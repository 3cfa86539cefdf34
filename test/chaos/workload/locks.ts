// Lock holders, etcd style (clientv3/concurrency.Mutex, `etcdctl lock`): a
// lease, a key <lock prefix><lease id> put with it, ownership once no key of
// the prefix has a lower create_revision. The create revision is the fencing
// token: every write in the critical section is
//   Txn(If mod_revision(lockKey) == token Then Put(guarded key))
// so a holder whose lease expired (paused, partitioned) is fenced out.
import * as rpc from '../../../src/gen/etcdserverpb.js';
import type { GuardedWrite, LockSection } from '../history.js';
import { classify, isLeaseNotFound } from '../outcome.js';
import type { Rng } from '../rng.js';
import { HomeClient } from './home-client.js';
import { pause, type WorkloadContext } from './types.js';

export interface LockOptions {
  holders: number;
  locks: number;
  ttlSeconds: number;
  /** Give up waiting for the lock after this long (then release and retry). */
  acquireTimeoutMs: number;
}

export function lockPrefix(prefix: string, lock: string): string {
  return `${prefix}lock/${lock}/`;
}

export function guardedKey(prefix: string, lock: string): string {
  return `${prefix}guarded/${lock}`;
}

export async function runLocks(ctx: WorkloadContext, o: LockOptions): Promise<void> {
  await Promise.all(Array.from({ length: o.holders }, (_, i) => holder(ctx, o, i)));
}

async function holder(ctx: WorkloadContext, o: LockOptions, i: number): Promise<void> {
  const rng = ctx.rng.fork(`lock-holder-${i}`);
  const hc = new HomeClient(ctx.endpoints, (i + 1) % ctx.endpoints.length, ctx.timeoutMs);
  const name = `h${i + 1}`;
  try {
    for (let round = 0; !ctx.stopped(); round++) {
      const lock = `L${i % o.locks}`;
      try {
        await attempt(ctx, o, hc, rng, name, lock, round);
      } catch (e) {
        hc.onError(e);
      }
      await pause(ctx, rng.int(0, 200));
    }
  } finally {
    hc.close();
  }
}

/** One lock/unlock cycle. Throws on errors before the lock is held (nothing recorded then). */
async function attempt(ctx: WorkloadContext, o: LockOptions, hc: HomeClient, rng: Rng, name: string, lock: string, round: number): Promise<void> {
  const call = { timeoutMs: ctx.timeoutMs };
  const lease = await hc.client.leaseGrant(o.ttlSeconds, 0n, call);
  const leaseId = lease.ID;
  const keepAlive = startKeepAlive(hc, leaseId, (o.ttlSeconds * 1000) / 3, ctx.timeoutMs);
  try {
    const prefix = lockPrefix(ctx.prefix, lock);
    const lockKey = `${prefix}${leaseId.toString(16)}`;
    const k = Buffer.from(lockKey);
    const put = await hc.client.txn(
      {
        compare: [{ key: k, target: rpc.Compare_CompareTarget.CREATE, result: rpc.Compare_CompareResult.EQUAL, create_revision: 0 }],
        success: [{ request_put: { key: k, value: Buffer.from(name), lease: leaseId } }],
        failure: [{ request_range: { key: k } }],
      },
      call,
    );
    const myRev = put.succeeded ? (put.header?.revision ?? 0) : (put.responses[0]?.response_range?.kvs[0]?.create_revision ?? 0);
    if (myRev <= 0) return;

    // Wait until no key of the prefix was created before ours (and ours is still there).
    const deadline = Date.now() + o.acquireTimeoutMs;
    let acquireRevision: number | undefined;
    while (acquireRevision === undefined) {
      if (ctx.stopped() || Date.now() > deadline || keepAlive.lost) return;
      const r = await hc.client.range(prefix, { prefix: true }, call);
      if (!r.kvs.some((kv) => kv.key.toString() === lockKey && kv.create_revision === myRev)) return; // lease gone
      if (r.kvs.some((kv) => kv.create_revision < myRev)) {
        await pause(ctx, 50);
        continue;
      }
      acquireRevision = r.header?.revision ?? 0;
    }

    const section: LockSection = {
      holder: name,
      lock,
      lockKey,
      fencingRevision: String(myRev),
      acquireMs: ctx.clock.now(),
      acquireRevision: String(acquireRevision),
      writes: [],
    };
    ctx.recorder.locks.push(section);
    const writes = rng.int(1, 4);
    for (let w = 0; w < writes && !ctx.stopped(); w++) {
      section.writes.push(await guardedWrite(ctx, hc, lockKey, myRev, guardedKey(ctx.prefix, lock), `${name}-${round}-${w}`));
      await pause(ctx, rng.int(0, 150));
    }

    section.releaseMs = ctx.clock.now();
    const del = await hc.client.deleteRange(lockKey, {}, call);
    if (del.deleted === 1) section.releaseRevision = String(del.header?.revision ?? 0);
  } finally {
    keepAlive.stop();
    await hc.client.leaseRevoke(leaseId, call).catch(() => undefined);
  }
}

async function guardedWrite(ctx: WorkloadContext, hc: HomeClient, lockKey: string, token: number, key: string, value: string): Promise<GuardedWrite> {
  const invokeMs = ctx.clock.now();
  try {
    const r = await hc.client.txn(
      {
        compare: [{ key: Buffer.from(lockKey), target: rpc.Compare_CompareTarget.MOD, result: rpc.Compare_CompareResult.EQUAL, mod_revision: token }],
        success: [{ request_put: { key: Buffer.from(key), value: Buffer.from(value) } }],
      },
      { timeoutMs: ctx.timeoutMs },
    );
    return { key, value, invokeMs, completeMs: ctx.clock.now(), outcome: r.succeeded ? 'ok' : 'fail', revision: String(r.header?.revision ?? 0) };
  } catch (e) {
    const { outcome } = classify(e);
    hc.onError(e);
    return { key, value, invokeMs, completeMs: ctx.clock.now(), outcome };
  }
}

interface KeepAlive {
  readonly lost: boolean;
  stop(): void;
}

/** Renews the lease every intervalMs until stopped; `lost` once the server says it is gone. */
function startKeepAlive(hc: HomeClient, id: bigint, intervalMs: number, timeoutMs: number): KeepAlive {
  const state = { lost: false, stopped: false };
  const loop = async (): Promise<void> => {
    while (!state.stopped && !state.lost) {
      await new Promise((r) => setTimeout(r, intervalMs));
      if (state.stopped) return;
      try {
        await hc.client.leaseKeepAliveOnce(id, { timeoutMs });
      } catch (e) {
        if (isLeaseNotFound(e)) state.lost = true;
      }
    }
  };
  void loop();
  return {
    get lost() {
      return state.lost;
    },
    stop() {
      state.stopped = true;
    },
  };
}
