// One etcd key as a register, compiled for the WGL search (wgl.ts).
//
// State: [value id (0 = absent), mod_revision, floor]. The floor is the
// highest revision linearized so far: etcd's revisions are its linearization
// order, so a mutation linearized next must commit at a revision above the
// floor, and a read must be served at a header revision at or above it. The
// floor is the max over the linearized set, so it stays out of the cache key.
// The mod_revision is 0 when the key is absent or the revision unknown: an
// indeterminate mutation (or one recorded without its revision) leaves the
// floor alone and its revision unknown until a read binds it. (That its
// revision exceeds the floor of its time is not modeled: ordering
// observations greedily relies on it. register-precheck.ts covers the
// common case, a read whose mod_revision predates a known mutation.)
import type { KvOp, Rev } from '../history.js';
import { revOf as parseRev } from './common.js';
import type { StepResult, WglModel } from './wgl.js';

const READ = 0;
const WRITE = 1;
const CAS_VALUE = 2;
const CAS_REV = 3;
const DELETE = 4;

export interface InitialRegister {
  value: string | null;
  modRevision?: Rev;
}

export interface CompileOptions {
  /** Use mod/header revisions as constraints (default true). */
  useRevisions?: boolean;
  initial?: InitialRegister;
}

export interface CompiledKey {
  model: RegisterModel;
  /** Model op i -> the recorded op and its position in the input. */
  ops: KvOp[];
  positions: number[];
  values: Array<string | null>;
  droppedFail: number;
  droppedInfoReads: number;
  /** Indeterminate mutations whose value nothing could observe (provably irrelevant). */
  droppedInfoUnobserved: number;
  malformed: string[];
}

export class RegisterModel implements WglModel {
  readonly stateSize = 3;
  /** Ok ops with a known revision, by order key: 2R for mutations, 2R+1 for observations. */
  private readonly orderKey: Float64Array;
  private readonly byKey: Int32Array;
  private readonly keyPos: Int32Array;
  private readonly linearized: Uint8Array;
  private minPos = 0;

  constructor(
    readonly n: number,
    readonly okCount: number,
    private readonly kind: Uint8Array,
    private readonly val: Int32Array,
    /** cas: expected value id, or expected mod_revision. */
    private readonly exp: Float64Array,
    private readonly succeeded: Uint8Array,
    /** Mutations: commit revision; others: header revision; -1 unknown. */
    private readonly revision: Float64Array,
    private readonly modRev: Float64Array,
    /** delete: -1 unknown. */
    private readonly deleted: Int8Array,
    /** The value an op requires to see (-1: none), and the value an indeterminate mutation leaves. */
    private readonly obsVal: Int32Array,
    private readonly resVal: Int32Array,
    private readonly flexible: Uint8Array,
    /** read / mod_revision cas: the revision is a known mutation's of this key. */
    private readonly pinned: Uint8Array,
    readonly symmetry: Int32Array,
    readonly invokeMs: Float64Array,
    readonly completeMs: Float64Array,
    readonly tryOrder: Float64Array,
    private readonly init: [number, number, number],
  ) {
    this.orderKey = new Float64Array(n).fill(-1);
    const withKey: number[] = [];
    for (let i = 0; i < okCount; i++) {
      const R = revision[i];
      if (R < 0) continue;
      const k = kind[i];
      const mutation = k === WRITE || ((k === CAS_VALUE || k === CAS_REV) && succeeded[i]) || (k === DELETE && deleted[i] === 1);
      this.orderKey[i] = 2 * R + (mutation ? 0 : 1); // a delete of unknown effect takes the later key
      withKey.push(i);
    }
    withKey.sort((a, b) => this.orderKey[a] - this.orderKey[b]);
    this.byKey = Int32Array.from(withKey);
    this.keyPos = new Int32Array(n).fill(-1);
    withKey.forEach((i, p) => (this.keyPos[i] = p));
    this.linearized = new Uint8Array(n);
  }

  initial(out: Float64Array): void {
    out.set(this.init);
  }

  stateKey(s: Float64Array): string {
    return s[0] + ',' + s[1];
  }

  private cand: readonly number[] = [];
  private windowDone = false;
  private windowFlexible = 0;
  private readonly windowObs = new Map<number, number>();

  window(cand: readonly number[]): void {
    this.cand = cand;
    this.windowDone = false;
  }

  hasFollower(i: number): boolean {
    if (!this.windowDone) {
      // Computed only when an indeterminate op is tried.
      this.windowDone = true;
      this.windowFlexible = 0;
      this.windowObs.clear();
      for (const j of this.cand) {
        if (this.flexible[j]) this.windowFlexible++;
        else if (this.obsVal[j] >= 0) this.windowObs.set(this.obsVal[j], (this.windowObs.get(this.obsVal[j]) ?? 0) + 1);
      }
    }
    if (this.windowFlexible > this.flexible[i]) return true;
    const self = !this.flexible[i] && this.obsVal[i] === this.resVal[i] ? 1 : 0;
    return (this.windowObs.get(this.resVal[i]) ?? 0) > self;
  }

  // Legal right after an indeterminate mutation are only ops that observe
  // its value, flexible ones, and blind overwrites (which would erase it).
  mayFollowInfo(prev: number, i: number): boolean {
    return this.flexible[i] === 1 || (this.obsVal[i] >= 0 && this.obsVal[i] === this.resVal[prev]);
  }

  /** Ok ops that never change the state: reads, compares that failed, deletes of nothing. */
  greedy(i: number): boolean {
    const k = this.kind[i];
    return i < this.okCount && (k === READ || (k !== WRITE && k !== DELETE && !this.succeeded[i]) || (k === DELETE && this.deleted[i] === 0));
  }

  track(i: number, linearized: boolean): void {
    this.linearized[i] = linearized ? 1 : 0;
    const p = this.keyPos[i];
    if (!linearized && p >= 0 && p < this.minPos) this.minPos = p;
  }

  nextInOrder(): number {
    return this.minKey() === Infinity ? -1 : this.byKey[this.minPos];
  }

  // Ops with known revisions must be linearized in revision order: after one
  // with order key K, any op with a smaller key could never be placed (the
  // floor would exceed its revision), so that choice is a dead end.
  private minKey(): number {
    while (this.minPos < this.byKey.length && this.linearized[this.byKey[this.minPos]]) this.minPos++;
    return this.minPos < this.byKey.length ? this.orderKey[this.byKey[this.minPos]] : Infinity;
  }

  step(i: number, cur: Float64Array, out: Float64Array): StepResult {
    const v = cur[0];
    const r = cur[1];
    const f = cur[2];
    const e = this.exp[i];
    if (i >= this.okCount) {
      // Indeterminate: if linearized at all, it took effect, at an unknown revision.
      switch (this.kind[i]) {
        case WRITE:
          return mutate(out, this.val[i], -1, f);
        case CAS_VALUE:
          return v === e ? mutate(out, this.val[i], -1, f) : 0;
        case CAS_REV:
          return revMayMatch(v, r, e, this.pinned[i]) ? mutate(out, this.val[i], -1, f) : 0;
        default:
          return mutate(out, 0, -1, f);
      }
    }
    if (this.orderKey[i] >= 0 && this.orderKey[i] > this.minKey()) return 0;
    const R = this.revision[i];
    switch (this.kind[i]) {
      case READ: {
        if (v !== this.val[i]) return 0;
        const mr = this.modRev[i];
        if (v === 0 || mr < 0) return observe(out, v, r, R, f);
        if (r > 0) return r === mr ? observe(out, v, r, R, f) : 0;
        // Binds the unknown mod_revision, unless mr is a known mutation's.
        return this.pinned[i] ? 0 : observe(out, v, mr, R, f, true);
      }
      case WRITE:
        return mutate(out, this.val[i], R, f);
      case CAS_VALUE:
        if (this.succeeded[i]) return v === e ? mutate(out, this.val[i], R, f) : 0;
        return v !== e ? observe(out, v, r, R, f) : 0;
      case CAS_REV:
        if (this.succeeded[i]) return revMayMatch(v, r, e, this.pinned[i]) ? mutate(out, this.val[i], R, f) : 0;
        // An unknown mod_revision may or may not have matched.
        return !(e === 0 ? v === 0 : v !== 0 && r === e) ? observe(out, v, r, R, f) : 0;
      default: {
        const d = this.deleted[i];
        if (v !== 0) return d !== 0 ? mutate(out, 0, R, f) : 0;
        return d <= 0 ? observe(out, 0, 0, R, f) : 0;
      }
    }
  }
}

/** A mutation to value nv committed at revision R (-1: unknown). */
function mutate(out: Float64Array, nv: number, R: number, f: number): StepResult {
  if (R < 0) {
    out[0] = nv;
    out[1] = 0;
    out[2] = f;
    return 1;
  }
  if (R <= f) return 0;
  out[0] = nv;
  out[1] = nv === 0 ? 0 : R;
  out[2] = R;
  return 1;
}

/**
 * An observation served at header revision R (-1: unknown), leaving (v, r).
 * Unless it binds an unknown mod_revision it is a greedy step: with unique
 * order keys (see minKey) it could be moved to the front of any completion.
 */
function observe(out: Float64Array, v: number, r: number, R: number, f: number, bound = false): StepResult {
  if (R >= 0 && R < f) return 0;
  out[0] = v;
  out[1] = r;
  out[2] = R >= 0 ? R : f;
  return bound ? 1 : 2;
}

/**
 * mod_revision == e may hold; e = 0 means "absent". An unknown mod_revision
 * (r = 0) may be e unless e is pinned: the revision of a known mutation of
 * this key, which is not the one that left the state.
 */
function revMayMatch(v: number, r: number, e: number, pinned: number): boolean {
  return e === 0 ? v === 0 : v !== 0 && (r === e || (r === 0 && !pinned));
}

/** Compiles one key's ops (any order) into a register model. */
export function compileKey(key: string, ops: readonly KvOp[], positions: readonly number[], opts: CompileOptions = {}): CompiledKey {
  const useRevs = opts.useRevisions ?? true;
  const malformed: string[] = [];
  let droppedFail = 0;
  let droppedInfoReads = 0;
  const ids = new Map<string, number>();
  const values: Array<string | null> = [null];
  const idOf = (s: string | null | undefined): number => {
    if (s === null || s === undefined) return 0;
    let id = ids.get(s);
    if (id === undefined) {
      id = values.length;
      ids.set(s, id);
      values.push(s);
    }
    return id;
  };
  const revOf = (r: Rev | undefined): number => (useRevs ? (parseRev(r) ?? -1) : -1);

  // Keep ok ops and indeterminate mutations; a failed op did nothing and an
  // indeterminate read observed nothing.
  const kept: number[] = [];
  ops.forEach((op, j) => {
    const where = `key ${JSON.stringify(key)}: op #${op.index ?? positions[j]}`;
    if (op.outcome === 'fail') return void droppedFail++;
    if (op.outcome === 'info' && op.type === 'read') return void droppedInfoReads++;
    if (!Number.isFinite(op.invokeMs) || (op.outcome === 'ok' && !(op.completeMs >= op.invokeMs))) {
      return void malformed.push(`${where}: bad times invoke=${op.invokeMs} complete=${op.completeMs}`);
    }
    if (op.type === 'read' && op.value === undefined) return void malformed.push(`${where}: ok read without a value (use null for absent)`);
    if (op.type === 'cas' && op.compare === 'mod_revision' && op.expectedModRevision === undefined) {
      return void malformed.push(`${where}: mod_revision cas without expectedModRevision`);
    }
    if (op.type === 'cas' && op.compare !== 'mod_revision' && op.expected === undefined) {
      return void malformed.push(`${where}: value cas without expected (use null for absent)`);
    }
    for (const r of [op.revision, op.type === 'read' ? op.modRevision : undefined, op.type === 'cas' ? op.expectedModRevision : undefined]) {
      if (r !== undefined && !/^\d+$/.test(r)) return void malformed.push(`${where}: bad revision ${JSON.stringify(r)}`);
    }
    if (op.type === 'read' && op.outcome === 'ok' && revOf(op.revision) > 0 && revOf(op.modRevision) > revOf(op.revision)) {
      return void malformed.push(`${where}: mod_revision ${op.modRevision} above header revision ${op.revision}`);
    }
    kept.push(j);
  });

  // Revisions of this key's known mutations. A compare on or a read of one of
  // them can only match the state that mutation left (revisions are unique).
  const knownRevs = new Set<number>();
  for (const j of kept) {
    const op = ops[j]!;
    const R = op.outcome === 'ok' ? revOf(op.revision) : -1;
    if (R > 0 && (op.type === 'write' || (op.type === 'cas' && op.succeeded !== false) || (op.type === 'delete' && op.deleted === 1))) knownRevs.add(R);
  }
  const isPinned = (op: KvOp): boolean => {
    const r = op.type === 'read' ? revOf(op.modRevision) : op.type === 'cas' && op.compare === 'mod_revision' ? revOf(op.expectedModRevision) : -1;
    return r > 0 && knownRevs.has(r);
  };

  // Right after an indeterminate mutation, only an op that observes its value
  // or a flexible one (a failed compare, a delete of whatever is there, a
  // compare on an unknown mod_revision) can tell it happened; anything else
  // is illegal or a blind overwrite. One whose value nothing observes is
  // "lonely": without flexible ops it can be dropped outright.
  const observed = new Set<number>();
  let anyFlexible = false;
  const isFlexible = (op: KvOp): boolean =>
    (op.type === 'cas' && op.outcome === 'ok' && op.succeeded === false) ||
    (op.type === 'cas' && op.compare === 'mod_revision' && !isPinned(op)) ||
    (op.type === 'delete' && op.outcome === 'ok' && op.deleted !== 0);
  for (const j of kept) {
    const op = ops[j]!;
    if (isFlexible(op)) anyFlexible = true;
    else if (op.type === 'read') observed.add(idOf(op.value));
    else if (op.type === 'cas' && op.compare !== 'mod_revision') observed.add(idOf(op.expected));
    else if (op.type === 'delete' && op.outcome === 'ok') observed.add(0);
  }
  // Values some ok cas failed to find: these tell lonely writes apart.
  const failedExpect = new Set<number>();
  for (const j of kept) {
    const op = ops[j]!;
    if (op.type === 'cas' && op.compare !== 'mod_revision' && op.outcome === 'ok' && op.succeeded === false) failedExpect.add(idOf(op.expected));
  }
  const resultOf = (op: KvOp): number => (op.type === 'delete' ? 0 : op.type === 'read' ? -1 : idOf(op.value));
  let droppedInfoUnobserved = 0;
  const okIdx: number[] = [];
  const infoIdx: number[] = [];
  for (const j of kept) {
    const op = ops[j]!;
    if (op.outcome === 'ok') okIdx.push(j);
    else if (!anyFlexible && !observed.has(resultOf(op))) droppedInfoUnobserved++;
    else infoIdx.push(j);
  }
  const byInvoke = (a: number, b: number): number => ops[a]!.invokeMs - ops[b]!.invokeMs || a - b;
  okIdx.sort(byInvoke);
  infoIdx.sort(byInvoke);
  const order = [...okIdx, ...infoIdx];

  const n = order.length;
  const kind = new Uint8Array(n);
  const val = new Int32Array(n);
  const exp = new Float64Array(n);
  const succeeded = new Uint8Array(n);
  const revision = new Float64Array(n).fill(-1);
  const modRev = new Float64Array(n).fill(-1);
  const deleted = new Int8Array(n).fill(-1);
  const invokeMs = new Float64Array(n);
  const completeMs = new Float64Array(n);
  // Indeterminate ops with the same effect are interchangeable (once called,
  // they stay available forever). A value nothing observes or fails to
  // compare against is indistinguishable from any other such value.
  const classes = new Map<string, number>();
  const classOf = (op: KvOp): number => {
    const res = resultOf(op);
    const v = observed.has(res) || failedExpect.has(res) ? String(res) : '*';
    const c =
      op.type === 'delete' ? 'd' : op.type === 'write' ? `w${v}` : op.type !== 'cas' ? '' : op.compare === 'mod_revision' ? `r${op.expectedModRevision}:${v}` : `c${idOf(op.expected)}:${v}`;
    let id = classes.get(c);
    if (id === undefined) classes.set(c, (id = classes.size));
    return id;
  };
  const obsVal = new Int32Array(n).fill(-1);
  const resVal = new Int32Array(n).fill(-1);
  const flexible = new Uint8Array(n);
  const pinned = new Uint8Array(n);
  const symmetry = new Int32Array(n).fill(-1);
  order.forEach((j, i) => {
    const op = ops[j]!;
    flexible[i] = isFlexible(op) ? 1 : 0;
    pinned[i] = isPinned(op) ? 1 : 0;
    if (!flexible[i]) {
      if (op.type === 'read') obsVal[i] = idOf(op.value);
      else if (op.type === 'cas' && op.compare !== 'mod_revision') obsVal[i] = idOf(op.expected);
      else if (op.type === 'delete' && op.outcome === 'ok') obsVal[i] = 0;
    }
    if (op.outcome === 'info') resVal[i] = resultOf(op);
    if (op.outcome === 'info') symmetry[i] = classOf(op);
    invokeMs[i] = op.invokeMs;
    completeMs[i] = op.outcome === 'ok' ? op.completeMs : Infinity;
    revision[i] = op.outcome === 'ok' ? revOf(op.revision) : -1;
    switch (op.type) {
      case 'read':
        kind[i] = READ;
        val[i] = idOf(op.value);
        modRev[i] = op.value === null ? -1 : revOf(op.modRevision);
        break;
      case 'write':
        kind[i] = WRITE;
        val[i] = idOf(op.value);
        break;
      case 'cas':
        val[i] = idOf(op.value);
        succeeded[i] = op.succeeded === false ? 0 : 1;
        if (op.compare === 'mod_revision') {
          kind[i] = CAS_REV;
          exp[i] = Number(op.expectedModRevision);
        } else {
          kind[i] = CAS_VALUE;
          exp[i] = idOf(op.expected);
        }
        break;
      case 'delete':
        kind[i] = DELETE;
        deleted[i] = op.deleted === undefined ? -1 : Math.min(op.deleted, 1);
        break;
    }
  });
  // Candidate order. Without revisions, try an indeterminate mutation when
  // the first op that observes its value has to complete (one nobody
  // observes last). With revisions the completed ops' order is nearly forced,
  // so indeterminate ones are best tried only once those are stuck.
  const guided = revision.some((R, i) => i < okIdx.length && R >= 0);
  const firstObserved = new Map<number, number>();
  for (let i = 0; i < okIdx.length; i++) {
    const k = kind[i];
    const seen = k === READ ? val[i] : k === CAS_VALUE ? exp[i] : k === DELETE && deleted[i] === 0 ? 0 : -1;
    if (seen >= 0) firstObserved.set(seen, Math.min(firstObserved.get(seen) ?? Infinity, completeMs[i]));
  }
  const tryOrder = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (i < okIdx.length) tryOrder[i] = completeMs[i];
    else tryOrder[i] = guided ? Infinity : (firstObserved.get(kind[i] === DELETE ? 0 : val[i]) ?? Infinity);
  }
  const init0 = idOf(opts.initial?.value ?? null);
  const initRev = init0 === 0 ? 0 : revOf(opts.initial?.modRevision);
  const init: [number, number, number] = [init0, Math.max(initRev, 0), Math.max(initRev, 0)];
  const model = new RegisterModel(n, okIdx.length, kind, val, exp, succeeded, revision, modRev, deleted, obsVal, resVal, flexible, pinned, symmetry, invokeMs, completeMs, tryOrder, init);
  return {
    model,
    ops: order.map((j) => ops[j]!),
    positions: order.map((j) => positions[j]!),
    values,
    droppedFail,
    droppedInfoReads,
    droppedInfoUnobserved,
    malformed,
  };
}
