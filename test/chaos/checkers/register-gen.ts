// Synthetic register histories for the checker tests: clients issue random
// ops with random latencies, each op takes effect at a random instant inside
// its call (indeterminate ones maybe later, maybe never), and a real
// sequential store applies them in that order with etcd-style revisions. The
// result is linearizable by construction.
import { mulberry32 } from '../../../src/util/mulberry32.js';
import type { KvOp } from '../history.js';

export interface GenOptions {
  seed: number;
  clients: number;
  ops: number;
  keys?: string[];
  /** Op mix (the rest are reads). */
  pWrite?: number;
  pCas?: number;
  pDelete?: number;
  /** Fraction of indeterminate ops; half of them take effect. */
  pInfo?: number;
  /** Fraction of definite failures (never applied). */
  pFail?: number;
  maxLatencyMs?: number;
  /** Record a cas whose compare failed as ok + succeeded:false (else as 'fail'). */
  casFailAsOk?: boolean;
  /** Draw written values from this many (default: every value unique). */
  values?: number;
  /** Fraction of cas ops comparing mod_revision instead of value (default 0.5). */
  pCasRev?: number;
}

export function generateRegisterHistory(o: GenOptions): KvOp[] {
  const rand = mulberry32(o.seed);
  const keys = o.keys ?? ['x'];
  const pWrite = o.pWrite ?? 0.3;
  const pCas = o.pCas ?? 0.15;
  const pDelete = o.pDelete ?? 0.05;
  const pInfo = o.pInfo ?? 0.03;
  const pFail = o.pFail ?? 0.02;
  const maxLat = o.maxLatencyMs ?? 10;
  const clock = new Array<number>(o.clients).fill(0);
  const recent = new Map<string, string[]>();
  const ops: KvOp[] = [];
  const effects: Array<{ at: number; op: KvOp }> = [];
  let counter = 0;
  const fresh = (): string => (o.values ? `v${1 + Math.floor(rand() * o.values)}` : `v${++counter}`);
  for (let n = 0; n < o.ops; n++) {
    const c = n % o.clients;
    const key = keys[Math.floor(rand() * keys.length)]!;
    const invokeMs = clock[c]! + rand() * 2;
    // Mostly short, sometimes long latencies, so many ops overlap.
    const lat = rand() < 0.1 ? rand() * maxLat * 5 : 0.1 + rand() * maxLat;
    const completeMs = invokeMs + lat;
    clock[c] = completeMs;
    const x = rand();
    const outcome = rand() < pInfo ? 'info' : rand() < pFail ? 'fail' : 'ok';
    const base = { index: n, process: c, key, invokeMs, completeMs, outcome } as const;
    let op: KvOp;
    if (x < pWrite) {
      op = { ...base, type: 'write', value: fresh() };
    } else if (x < pWrite + pCas) {
      const r = recent.get(key) ?? [];
      const expected = r.length && rand() < 0.9 ? r[Math.floor(rand() * r.length)]! : null;
      op =
        rand() < (o.pCasRev ?? 0.5)
          ? { ...base, type: 'cas', compare: 'mod_revision', expectedModRevision: String(Math.floor(rand() * 4)), value: fresh() }
          : { ...base, type: 'cas', expected, value: fresh() };
    } else if (x < pWrite + pCas + pDelete) {
      op = { ...base, type: 'delete' };
    } else {
      op = { ...base, type: 'read' };
    }
    if (op.type === 'write' || op.type === 'cas') recent.set(key, [...(recent.get(key) ?? []), op.value].slice(-3));
    ops.push(op);
    if (outcome === 'ok') effects.push({ at: invokeMs + rand() * lat, op });
    else if (outcome === 'info' && rand() < 0.5) effects.push({ at: invokeMs + rand() * lat * 3, op });
  }

  // Apply in effect order to a sequential store.
  effects.sort((a, b) => a.at - b.at);
  const store = new Map<string, { value: string; mod: number }>();
  let revision = 1;
  for (const { op } of effects) {
    const cur = store.get(op.key);
    // A mod_revision compare usually names the current revision (as a client
    // that just read the key would), sometimes a stale or absent one.
    if (op.type === 'cas' && op.compare === 'mod_revision') {
      const x = rand();
      op.expectedModRevision = String(x < 0.6 ? (cur?.mod ?? 0) : x < 0.8 ? 0 : Math.max(1, revision - Math.floor(rand() * 3)));
    }
    const ok = op.outcome === 'ok';
    switch (op.type) {
      case 'read':
        op.value = cur?.value ?? null;
        if (cur) op.modRevision = String(cur.mod);
        op.revision = String(revision);
        break;
      case 'write':
        store.set(op.key, { value: op.value, mod: ++revision });
        if (ok) op.revision = String(revision);
        break;
      case 'cas':
        if (op.compare === 'mod_revision' ? String(cur?.mod ?? 0) === op.expectedModRevision : (cur?.value ?? null) === op.expected) {
          store.set(op.key, { value: op.value, mod: ++revision });
          if (ok) op.revision = String(revision);
        } else if (ok) {
          if (o.casFailAsOk) {
            op.succeeded = false;
            op.revision = String(revision);
          } else {
            op.outcome = 'fail';
          }
        }
        break;
      case 'delete':
        if (cur) {
          store.delete(op.key);
          revision++;
        }
        if (ok) {
          op.deleted = cur ? 1 : 0;
          op.revision = String(revision);
        }
        break;
    }
  }
  return ops;
}

/**
 * Makes one ok read return a value that had been overwritten before the read
 * began: it reads w1's value although w2 completed after w1 and before the
 * read. Values are unique, so no linearization can explain it. Returns the
 * corrupted read's position, or -1 if the history has no such triple.
 */
export function corruptOneRead(ops: KvOp[], rand: () => number): number {
  const isMut = (o: KvOp): boolean =>
    o.outcome === 'ok' && (o.type === 'write' || (o.type === 'cas' && o.succeeded !== false) || (o.type === 'delete' && o.deleted === 1));
  const reads = ops.map((o, i) => ({ o, i })).filter(({ o }) => o.type === 'read' && o.outcome === 'ok');
  for (let tries = 0; tries < 200 && reads.length; tries++) {
    const { o: r, i } = reads[Math.floor(rand() * reads.length)]!;
    const before = ops.filter((o) => o.key === r.key && isMut(o) && o.completeMs < r.invokeMs);
    const w2s = before.filter((w2) => before.some((w1) => w1.type !== 'delete' && w1.completeMs < w2.invokeMs));
    if (!w2s.length) continue;
    const w2 = w2s[Math.floor(rand() * w2s.length)]!;
    const w1s = before.filter((w1) => w1.type !== 'delete' && w1.completeMs < w2.invokeMs);
    const w1 = w1s[Math.floor(rand() * w1s.length)]!;
    if (w1.type === 'delete' || w1.type === 'read' || r.type !== 'read') continue;
    if (r.value === w1.value) continue;
    r.value = w1.value;
    r.modRevision = w1.revision;
    return i;
  }
  return -1;
}
