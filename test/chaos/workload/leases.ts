// Leases: grant, attach a key with Put(WithLease), keep it alive for a while
// (recording every renewal), then either stop renewing or revoke it, and
// watch the key with linearizable reads until it is gone: the checker holds
// its presence against the lease's deadlines.
import type { LeaseObservation, LeaseRecord } from '../history.js';
import { classify, isLeaseNotFound } from '../outcome.js';
import { HomeClient } from './home-client.js';
import { pause, type WorkloadContext } from './types.js';

export interface LeaseOptions {
  workers: number;
  /** TTL granted: uniform in [min, max] seconds. */
  ttlSeconds: [number, number];
  /** How long past the last possible expiry to keep looking (ms). */
  observeSlackMs: number;
}

export async function runLeases(ctx: WorkloadContext, o: LeaseOptions): Promise<void> {
  await Promise.all(Array.from({ length: o.workers }, (_, i) => worker(ctx, o, i)));
}

async function worker(ctx: WorkloadContext, o: LeaseOptions, i: number): Promise<void> {
  const rng = ctx.rng.fork(`lease-worker-${i}`);
  const hc = new HomeClient(ctx.endpoints, (i + 2) % ctx.endpoints.length, ctx.timeoutMs);
  const call = { timeoutMs: ctx.timeoutMs };
  try {
    for (let n = 0; !ctx.stopped(); n++) {
      try {
        const ttl = rng.int(o.ttlSeconds[0], o.ttlSeconds[1]);
        const g0 = ctx.clock.now();
        const g = await hc.client.leaseGrant(ttl, 0n, call);
        const grant = { invokeMs: g0, completeMs: ctx.clock.now() };
        const key = `${ctx.prefix}lease/${i}-${n}`;
        const a0 = ctx.clock.now();
        try {
          await hc.client.put(key, `lease-${g.ID.toString(16)}`, { lease: g.ID }, call);
        } catch (e) {
          // Attached or not, unknown: nothing to check; let the lease go.
          await hc.client.leaseRevoke(g.ID, call).catch(() => undefined);
          throw e;
        }
        const rec: LeaseRecord = {
          leaseId: g.ID.toString(),
          ttlMs: g.TTL * 1000,
          grant,
          key,
          attach: { invokeMs: a0, completeMs: ctx.clock.now() },
          keepAlives: [],
          observations: [],
        };
        ctx.recorder.leases.push(rec);

        // Keep alive (a third of the TTL apart), looking at the key now and then.
        const keepFor = rng.int(0, 4000);
        const until = Date.now() + keepFor;
        let gone = false;
        // An indeterminate keep-alive or revoke may still take effect (a paused member answers it
        // when it wakes up), and the history cannot say so: record nothing after one.
        let ambiguous = false;
        while (Date.now() < until && !ctx.stopped() && !gone) {
          await pause(ctx, (g.TTL * 1000) / 3);
          const k0 = ctx.clock.now();
          try {
            const r = await hc.client.leaseKeepAliveOnce(g.ID, call);
            rec.keepAlives.push({ invokeMs: k0, completeMs: ctx.clock.now(), ttlMs: r.TTL * 1000 });
          } catch (e) {
            if (isLeaseNotFound(e)) {
              rec.keepAlives.push({ invokeMs: k0, completeMs: ctx.clock.now(), ttlMs: 0 });
              gone = true;
            } else {
              hc.onError(e);
              ambiguous = classify(e).outcome === 'info';
              if (ambiguous) break;
            }
          }
          await observe(ctx, hc, rec);
        }

        if (rng.chance(0.3) && !ambiguous) {
          const r0 = ctx.clock.now();
          try {
            await hc.client.leaseRevoke(g.ID, call);
            rec.revoke = { invokeMs: r0, completeMs: ctx.clock.now() };
          } catch (e) {
            hc.onError(e);
            ambiguous = classify(e).outcome === 'info';
          }
        }

        // Until it is seen gone twice, or well past any deadline.
        const deadline = Date.now() + g.TTL * 1000 + o.observeSlackMs;
        let absent = 0;
        while (!ambiguous && absent < 2 && Date.now() < deadline) {
          await pause(ctx, 250);
          const seen = await observe(ctx, hc, rec);
          if (seen === false) absent++;
          // At the end of the run, stop looking (what was seen is recorded).
          if (ctx.stopped()) break;
        }
        // Leave nothing to expire while the final state is read.
        if (ctx.stopped() && rec.revoke === undefined && absent === 0) {
          const r0 = ctx.clock.now();
          await hc.client
            .leaseRevoke(g.ID, call)
            .then(() => (rec.revoke = { invokeMs: r0, completeMs: ctx.clock.now() }))
            .catch(() => undefined);
        }
      } catch (e) {
        hc.onError(e);
        await pause(ctx, 200);
      }
    }
  } finally {
    hc.close();
  }
}

/** A linearizable read of the attached key; recorded when it answers. */
async function observe(ctx: WorkloadContext, hc: HomeClient, rec: LeaseRecord): Promise<boolean | undefined> {
  const t0 = ctx.clock.now();
  try {
    const r = await hc.client.range(rec.key, {}, { timeoutMs: ctx.timeoutMs });
    const obs: LeaseObservation = { invokeMs: t0, completeMs: ctx.clock.now(), present: r.kvs.length > 0 };
    rec.observations.push(obs);
    return obs.present;
  } catch (e) {
    hc.onError(e);
    return undefined;
  }
}
