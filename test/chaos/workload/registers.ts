// Registers: many clients, each bound to a member, doing linearizable reads,
// puts, compare-and-sets (Txn on value or on mod_revision) and deletes over a
// few keys. Every value written is unique, which keeps the checker's search
// small, and every `generationMs` the clients move on to fresh keys (as
// Jepsen's independent keys do): a key's history stays short, and an
// indeterminate op that may apply at any later point haunts one key's search
// for one generation, not for the whole run. After an indeterminate op a client continues as a new process (as
// in Jepsen), since its old op may still be pending.
import * as rpc from '../../../src/gen/etcdserverpb.js';
import type { KvOp } from '../history.js';
import { classify } from '../outcome.js';
import { HomeClient } from './home-client.js';
import { pause, type WorkloadContext } from './types.js';

export interface RegisterOptions {
  clients: number;
  /** Keys per generation. */
  keys: number;
  /** How long a generation of keys is used. */
  generationMs: number;
  /** Think time between a client's ops: uniform in [0, thinkMs]. */
  thinkMs: number;
}

type Kind = 'read' | 'write' | 'cas' | 'delete';

interface View {
  value: string | null;
  modRevision: number;
}

export function registerKeys(prefix: string, generation: number, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}reg/g${generation}/k${i}`);
}

export async function runRegisters(ctx: WorkloadContext, o: RegisterOptions): Promise<void> {
  await Promise.all(Array.from({ length: o.clients }, (_, i) => client(ctx, o, i)));
}

async function client(ctx: WorkloadContext, o: RegisterOptions, i: number): Promise<void> {
  const rng = ctx.rng.fork(`register-client-${i}`);
  const hc = new HomeClient(ctx.endpoints, i % ctx.endpoints.length, ctx.timeoutMs);
  const view = new Map<string, View>();
  let proc = i;
  let seq = 0;
  try {
    while (!ctx.stopped()) {
      const key = rng.pick(registerKeys(ctx.prefix, Math.floor(ctx.clock.now() / o.generationMs), o.keys));
      const kind = rng.weighted<Kind>([['read', 4], ['write', 2], ['cas', 3], ['delete', 1]]);
      const value = `v${i}-${seq++}`;
      const seen = view.get(key);
      const byValue = rng.chance(0.5);
      const invokeMs = ctx.clock.now();
      const base = { process: proc, key, invokeMs };
      let op: KvOp;
      try {
        op = await perform(hc, kind, key, value, seen, byValue, ctx.timeoutMs, base, () => ctx.clock.now());
        updateView(view, op);
      } catch (e) {
        const { outcome, error } = classify(e);
        op = failed(kind, key, value, seen, byValue, base, ctx.clock.now(), outcome, error);
        if (outcome === 'info') proc += o.clients;
        hc.onError(e);
      }
      ctx.recorder.op(op);
      // Back off after an error, as real clients do (and fewer pointless indeterminate ops).
      await pause(ctx, op.outcome === 'ok' ? rng.int(0, o.thinkMs) : rng.int(100, 300));
    }
  } finally {
    hc.close();
  }
}

type Base = { process: number; key: string; invokeMs: number };

async function perform(
  hc: HomeClient,
  kind: Kind,
  key: string,
  value: string,
  seen: View | undefined,
  byValue: boolean,
  timeoutMs: number,
  base: Base,
  now: () => number,
): Promise<KvOp> {
  const c = hc.client;
  const call = { timeoutMs };
  switch (kind) {
    case 'read': {
      const r = await c.range(key, {}, call);
      const kv = r.kvs[0];
      return {
        ...base, type: 'read', completeMs: now(), outcome: 'ok',
        value: kv === undefined ? null : kv.value.toString(),
        modRevision: String(kv?.mod_revision ?? 0),
        revision: String(r.header?.revision ?? 0),
      };
    }
    case 'write': {
      const r = await c.put(key, value, {}, call);
      return { ...base, type: 'write', value, completeMs: now(), outcome: 'ok', revision: String(r.header?.revision ?? 0) };
    }
    case 'cas': {
      const r = await c.txn({ compare: [casCompare(key, seen, byValue)], success: [{ request_put: { key: Buffer.from(key), value: Buffer.from(value) } }] }, call);
      return { ...casFields(value, seen, byValue), ...base, completeMs: now(), outcome: 'ok', succeeded: r.succeeded, revision: String(r.header?.revision ?? 0) };
    }
    case 'delete': {
      const r = await c.deleteRange(key, {}, call);
      return { ...base, type: 'delete', completeMs: now(), outcome: 'ok', deleted: r.deleted, revision: String(r.header?.revision ?? 0) };
    }
  }
}

function casCompare(key: string, seen: View | undefined, byValue: boolean): rpc.CompareInit {
  const k = Buffer.from(key);
  const expected = seen?.value ?? null;
  if (byValue) {
    // "The key does not exist" is create_revision == 0.
    return expected === null
      ? { key: k, target: rpc.Compare_CompareTarget.CREATE, result: rpc.Compare_CompareResult.EQUAL, create_revision: 0 }
      : { key: k, target: rpc.Compare_CompareTarget.VALUE, result: rpc.Compare_CompareResult.EQUAL, value: Buffer.from(expected) };
  }
  return { key: k, target: rpc.Compare_CompareTarget.MOD, result: rpc.Compare_CompareResult.EQUAL, mod_revision: seen?.modRevision ?? 0 };
}

function casFields(value: string, seen: View | undefined, byValue: boolean): { type: 'cas'; compare: 'value' | 'mod_revision'; value: string; expected?: string | null; expectedModRevision?: string } {
  return byValue
    ? { type: 'cas', compare: 'value', expected: seen?.value ?? null, value }
    : { type: 'cas', compare: 'mod_revision', expectedModRevision: String(seen?.modRevision ?? 0), value };
}

function failed(kind: Kind, key: string, value: string, seen: View | undefined, byValue: boolean, base: Base, completeMs: number, outcome: 'fail' | 'info', error: string): KvOp {
  const common = { ...base, key, completeMs, outcome, error };
  switch (kind) {
    case 'read':
      return { ...common, type: 'read' };
    case 'write':
      return { ...common, type: 'write', value };
    case 'cas':
      return { ...casFields(value, seen, byValue), ...common };
    case 'delete':
      return { ...common, type: 'delete' };
  }
}

function updateView(view: Map<string, View>, op: KvOp): void {
  if (op.outcome !== 'ok') return;
  const rev = Number(op.revision ?? 0);
  switch (op.type) {
    case 'read':
      view.set(op.key, { value: op.value ?? null, modRevision: Number(op.modRevision ?? 0) });
      break;
    case 'write':
      view.set(op.key, { value: op.value, modRevision: rev });
      break;
    case 'cas':
      if (op.succeeded !== false) view.set(op.key, { value: op.value, modRevision: rev });
      break;
    case 'delete':
      view.set(op.key, { value: null, modRevision: 0 });
      break;
  }
}
