// Unique keys, each put once and never touched again (like the crash-all
// cluster test): whatever happens to the cluster, every acknowledged one must
// be in the final state of every member. The sharpest durability evidence,
// since no later write can hide a lost one.
import type { WriteOp } from '../history.js';
import { classify } from '../outcome.js';
import { HomeClient } from './home-client.js';
import { pause, type WorkloadContext } from './types.js';

export interface SetOptions {
  clients: number;
  thinkMs: number;
}

export async function runSets(ctx: WorkloadContext, o: SetOptions): Promise<void> {
  await Promise.all(Array.from({ length: o.clients }, (_, i) => writer(ctx, o, i)));
}

async function writer(ctx: WorkloadContext, o: SetOptions, i: number): Promise<void> {
  const rng = ctx.rng.fork(`set-writer-${i}`);
  // Processes numbered apart from the register clients'.
  const proc = `s${i}`;
  const hc = new HomeClient(ctx.endpoints, (i + 3) % ctx.endpoints.length, ctx.timeoutMs);
  try {
    for (let seq = 0; !ctx.stopped(); seq++) {
      const key = `${ctx.prefix}set/${i}/${String(seq).padStart(6, '0')}`;
      const value = `s${i}-${seq}`;
      const invokeMs = ctx.clock.now();
      let op: WriteOp;
      try {
        const r = await hc.client.put(key, value, {}, { timeoutMs: ctx.timeoutMs });
        op = { process: proc, type: 'write', key, value, invokeMs, completeMs: ctx.clock.now(), outcome: 'ok', revision: String(r.header?.revision ?? 0) };
      } catch (e) {
        const { outcome, error } = classify(e);
        op = { process: proc, type: 'write', key, value, invokeMs, completeMs: ctx.clock.now(), outcome, error };
        hc.onError(e);
      }
      ctx.recorder.op(op);
      await pause(ctx, op.outcome === 'ok' ? rng.int(0, o.thinkMs) : rng.int(100, 300));
    }
  } finally {
    hc.close();
  }
}
