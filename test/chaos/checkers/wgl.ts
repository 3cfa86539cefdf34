// The Wing & Gong / Lowe ("WGL") linearizability search with just-in-time
// linearization and memoization, as in Knossos' "linear" and Porcupine:
//
// Calls and returns of all ops sit in one doubly linked list in time order.
// The calls before the first return are the candidates to linearize next
// (every op returning earlier is linearized already). Each is tried in turn:
// if the model accepts it and the configuration (set of linearized ops, model
// state) was never reached before, it is linearized, lifted out of the list
// (call and return), and the next configuration's candidates are tried. When
// none is left, the op of the first return can no longer be placed: the last
// choice is undone and the next candidate after it tried. Indeterminate ops
// have no return (they complete at +infinity), so they may be linearized
// anywhere after their call or never; the history is linearizable once every
// completed op is.
//
// Refinements, each preserving every linearization up to an equivalent one:
//  - greedy steps: the model may flag a step as one that loses nothing by
//    being taken now (a read of the current state); such a step is taken
//    before anything else and not branched on;
//  - candidates are tried by deadline (model.tryOrder: a completed op's
//    completion; for an indeterminate op, e.g., the first completion of an op
//    that observed its effect, or +infinity), so the op most likely to take
//    effect last is delayed most, and indeterminate ops whose effect nobody
//    needs are tried last (Knossos' known blow-up is trying them eagerly);
//  - an indeterminate op X is only directly followed by an op Y that can tell
//    it happened (model.mayFollowInfo, so X is only tried when such a Y is
//    among the candidates), and only if Y does not do the same from the state
//    before X: otherwise the linearization without X is as good;
//  - of interchangeable candidates (model.symmetry) only the first is kept;
//  - memoization uses dominance: configuration (ok set, state, info set I)
//    is pruned if (ok set, state, J) was reached before with J a subset of I,
//    since whatever completes the former also completes the latter.
//
// Cache keys are exact strings. Completed ops take bit indices 0..okCount-1
// in invoke order, so their linearized set is nearly a prefix: the key holds
// the number of leading all-ones words, the words after it and the model's
// state key; the indeterminate ops' bitset is kept per key for the subset test.

/** 0: illegal; 1: legal; 2: legal, and taking it now loses no linearization. */
export type StepResult = 0 | 1 | 2;

export interface WglModel {
  /** Ops 0..okCount-1 completed (ideally sorted by invoke); okCount..n-1 are indeterminate. */
  readonly n: number;
  readonly okCount: number;
  readonly stateSize: number;
  readonly invokeMs: Float64Array;
  /** Used for completed ops only. */
  readonly completeMs: Float64Array;
  /** Order in which candidates are tried (lowest first); any order is correct. */
  readonly tryOrder: Float64Array;
  initial(out: Float64Array): void;
  /** Applies op to `cur`, writing the next state into `out`. */
  step(op: number, cur: Float64Array, out: Float64Array): StepResult;
  /** Whether step may return 2 for op (such ops are tried first at every configuration). */
  greedy(op: number): boolean;
  /**
   * Whether op may directly follow the indeterminate op prev. False only when
   * leaving prev out would be as good (e.g. op is a blind overwrite).
   */
  mayFollowInfo(prev: number, op: number): boolean;
  /** Called with the candidates of each configuration before hasFollower. */
  window(cand: readonly number[]): void;
  /** Whether some other candidate of the current window may directly follow the indeterminate op. */
  hasFollower(op: number): boolean;
  /**
   * Interchangeable ops share a class >= 0 (-1: none): from any configuration
   * where several are candidates, trying one of them is enough.
   */
  readonly symmetry: Int32Array;
  /** The part of the cache key for a state; may omit components determined by the linearized set. */
  stateKey(s: Float64Array): string;
  /** For error reports: an unlinearized op that must come next in the model's own order, or -1. */
  nextInOrder(): number;
  /** Told when op is linearized (true) or undone (false), for step's own bookkeeping. */
  track(op: number, linearized: boolean): void;
}

export interface WglBudget {
  maxSteps: number;
  maxCacheEntries: number;
  /** performance.now() deadline. */
  deadline: number;
}

export interface WglStuck {
  /** The completed op that could not be linearized at the deepest point reached. */
  op: number;
  /** Completed ops linearized at that point. */
  linearizedOk: number;
  /** Distinct model states in which the search got stuck there (a few), with the op linearized last. */
  states: Array<{ state: number[]; after: number | undefined }>;
  /** model.nextInOrder() at that point. */
  nextInOrder: number;
}

export type WglResult =
  | { kind: 'valid'; steps: number; cacheEntries: number }
  | { kind: 'invalid'; steps: number; cacheEntries: number; stuck: WglStuck }
  | { kind: 'unknown'; steps: number; cacheEntries: number; reason: string };

/** Info sets remembered per (ok set, state). */
const MAX_ANTICHAIN = 16;

export function wglSearch(model: WglModel, budget: WglBudget): WglResult {
  const { n, okCount, stateSize: ss } = model;
  if (okCount === 0) return { kind: 'valid', steps: 0, cacheEntries: 0 };

  // Linked list: 0 is the head; op i has call entry 2i+1 and return entry 2i+2.
  const next = new Int32Array(2 * n + 1).fill(-1);
  const prev = new Int32Array(2 * n + 1).fill(-1);
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    order.push(2 * i + 1);
    if (i < okCount) order.push(2 * i + 2);
  }
  const time = (e: number): number => (e & 1 ? model.invokeMs[(e - 1) >> 1] : model.completeMs[(e - 1) >> 1]);
  // Equal timestamps count as concurrent: calls sort before returns.
  order.sort((a, b) => time(a) - time(b) || (b & 1) - (a & 1) || a - b);
  let last = 0;
  for (const e of order) {
    next[last] = e;
    prev[e] = last;
    last = e;
  }
  const lift = (i: number): void => {
    const c = 2 * i + 1;
    next[prev[c]] = next[c];
    if (next[c] !== -1) prev[next[c]] = prev[c];
    if (i < okCount) {
      const r = c + 1;
      next[prev[r]] = next[r];
      if (next[r] !== -1) prev[next[r]] = prev[r];
    }
  };
  const unlift = (i: number): void => {
    const c = 2 * i + 1;
    if (i < okCount) {
      const r = c + 1;
      next[prev[r]] = r;
      if (next[r] !== -1) prev[next[r]] = r;
    }
    next[prev[c]] = c;
    if (next[c] !== -1) prev[next[c]] = c;
  };

  // Bitset of linearized ops: ok region [0, okWords), info region after it.
  const okWords = (okCount + 31) >> 5;
  const infoWords = (n - okCount + 31) >> 5;
  const words = new Int32Array(okWords + infoWords);
  const info = words.subarray(okWords);
  const fullMask = new Int32Array(okWords).fill(-1);
  if (okCount % 32 !== 0) fullMask[okWords - 1] = (1 << okCount % 32) - 1;
  let lowFull = 0; // words [0, lowFull) of the ok region are all ones
  let okHi = -1; // last nonzero word of the ok region
  const setBit = (i: number): void => {
    if (i < okCount) {
      const w = i >> 5;
      words[w] |= 1 << (i & 31);
      if (w > okHi) okHi = w;
      while (lowFull < okWords && words[lowFull] === fullMask[lowFull]) lowFull++;
    } else {
      const j = i - okCount;
      info[j >> 5] |= 1 << (j & 31);
    }
  };
  const clearBit = (i: number): void => {
    if (i < okCount) {
      const w = i >> 5;
      words[w] &= ~(1 << (i & 31));
      if (w < lowFull) lowFull = w;
      while (okHi >= 0 && words[okHi] === 0) okHi--;
    } else {
      const j = i - okCount;
      info[j >> 5] &= ~(1 << (j & 31));
    }
  };

  const chars = (x: number): string => String.fromCharCode(x & 0xffff, x >>> 16);
  // okKey -> info sets seen with it, no two comparable.
  const cache = new Map<string, Int32Array[]>();
  let cacheEntries = 0;
  /** Records the current bitset with state st; false if it or a dominating configuration was seen. */
  const remember = (st: Float64Array): boolean => {
    let k = model.stateKey(st) + ';' + chars(lowFull);
    for (let w = lowFull; w <= okHi; w++) k += chars(words[w]);
    const seen = cache.get(k);
    if (seen === undefined) {
      cache.set(k, [info.slice()]);
      cacheEntries++;
      return true;
    }
    const keep: Int32Array[] = [];
    for (const j of seen) {
      let sub = true; // j ⊆ info
      let sup = true; // info ⊆ j
      for (let w = 0; w < infoWords; w++) {
        if ((j[w] & ~info[w]) !== 0) sub = false;
        if ((info[w] & ~j[w]) !== 0) sup = false;
      }
      if (sub) return false;
      if (!sup) keep.push(j);
    }
    keep.push(info.slice());
    // Bound the subset scans: forgetting a configuration only costs pruning.
    if (keep.length > MAX_ANTICHAIN) keep.shift();
    cacheEntries += keep.length - seen.length;
    cache.set(k, keep);
    return true;
  };

  let state = new Float64Array(ss);
  let scratch = new Float64Array(ss);
  const before = new Float64Array(ss);
  model.initial(state);
  // Stack of linearized ops, whether each was a greedy (unbranched) step, and the state before it.
  const stackOps = new Int32Array(n);
  const forced = new Uint8Array(n);
  let stackStates = new Float64Array(Math.min(n, 1024) * ss);
  let sp = 0;
  let remainingOk = okCount;
  let steps = 0;
  // Candidates: the calls before the first pending return, in try order,
  // one per symmetry class. Those with an infinite try order (indeterminate
  // ops nobody is known to need) are only listed once the others are
  // exhausted, which most configurations never reach.
  const cand: number[] = [];
  let ci = 0;
  let extended = false;
  const byOrder = (a: number, b: number): number => model.tryOrder[a] - model.tryOrder[b] || a - b;
  let maxClass = -1;
  for (let i = 0; i < n; i++) maxClass = Math.max(maxClass, model.symmetry[i]);
  const classStamp = new Int32Array(maxClass + 1);
  let stamp = 0;
  /** Appends candidates whose try order is finite (first pass) or infinite (second). */
  const scan = (infinite: boolean): void => {
    for (let x = next[0]; x !== -1 && x & 1; x = next[x]) {
      const i = (x - 1) >> 1;
      if ((model.tryOrder[i] === Infinity) !== infinite) continue;
      const cls = model.symmetry[i];
      if (cls >= 0) {
        if (classStamp[cls] === stamp) continue;
        classStamp[cls] = stamp;
      }
      cand.push(i);
    }
  };
  const collect = (): void => {
    cand.length = 0;
    stamp++;
    scan(false);
    cand.sort(byOrder);
    model.window(cand);
    ci = 0;
    extended = false;
  };
  const extend = (): boolean => {
    if (extended) return false;
    extended = true;
    const had = cand.length;
    scan(true);
    if (cand.length > had) model.window(cand);
    return cand.length > had;
  };

  /** Linearizes op i into the state in `scratch`. */
  const push = (i: number, greedy: boolean): void => {
    if ((sp + 1) * ss > stackStates.length) {
      const bigger = new Float64Array(Math.min(n, 2 * (sp + 1)) * ss);
      bigger.set(stackStates);
      stackStates = bigger;
    }
    stackOps[sp] = i;
    forced[sp] = greedy ? 1 : 0;
    stackStates.set(state, sp * ss);
    sp++;
    [state, scratch] = [scratch, state];
    if (i < okCount) remainingOk--;
    lift(i);
    model.track(i, true);
  };
  /** Undoes choices up to the last branching one and resumes after it; false if none is left. */
  const backtrack = (): boolean => {
    while (sp > 0) {
      sp--;
      const i = stackOps[sp];
      state.set(stackStates.subarray(sp * ss, sp * ss + ss));
      if (i < okCount) remainingOk++;
      clearBit(i);
      unlift(i);
      model.track(i, false);
      if (!forced[sp]) {
        collect();
        if (model.tryOrder[i] === Infinity) extend();
        ci = cand.indexOf(i) + 1;
        return true;
      }
    }
    return false;
  };
  const overBudget = (): string | undefined => {
    if (steps > budget.maxSteps) return `more than ${budget.maxSteps} search steps`;
    if (cacheEntries > budget.maxCacheEntries) return `more than ${budget.maxCacheEntries} cached configurations`;
    if (performance.now() > budget.deadline) return 'time limit reached';
    return undefined;
  };
  /** Whether op i may come next (see mayFollowInfo). */
  const mayFollow = (i: number): boolean => sp === 0 || stackOps[sp - 1] < okCount || model.mayFollowInfo(stackOps[sp - 1], i);

  let stuck: WglStuck | undefined;
  const noteStuck = (): void => {
    let x = next[0];
    while (x !== -1 && x & 1) x = next[x];
    if (x === -1) return;
    const op = (x - 2) >> 1;
    const linearizedOk = okCount - remainingOk;
    const after = sp > 0 ? stackOps[sp - 1] : undefined;
    if (stuck === undefined || linearizedOk > stuck.linearizedOk) {
      stuck = { op, linearizedOk, states: [{ state: Array.from(state), after }], nextInOrder: model.nextInOrder() };
    } else if (linearizedOk === stuck.linearizedOk && op === stuck.op && stuck.states.length < 4) {
      const s = Array.from(state);
      if (!stuck.states.some((y) => y.state.every((v, j) => v === s[j]))) stuck.states.push({ state: s, after });
    }
  };

  let fresh = true; // at a configuration not yet scanned
  let checkIn = 1;
  for (;;) {
    if (remainingOk === 0) return { kind: 'valid', steps, cacheEntries };
    if (--checkIn === 0) {
      checkIn = 0x4000;
      const why = overBudget();
      if (why) return { kind: 'unknown', steps, cacheEntries, reason: why };
    }
    if (fresh) {
      fresh = false;
      collect();
      let g = -1;
      for (const i of cand) {
        if (i >= okCount || !model.greedy(i) || !mayFollow(i)) continue;
        steps++;
        if (model.step(i, state, scratch) === 2) {
          g = i;
          break;
        }
      }
      if (g >= 0) {
        setBit(g);
        if (remember(scratch)) {
          push(g, true);
          fresh = true;
          continue;
        }
        // Taking g loses nothing and was already explored from here: dead end.
        clearBit(g);
        if (!backtrack()) return invalid();
        continue;
      }
    }
    if (ci === cand.length && !extend()) {
      // Every candidate failed before the first pending return: backtrack.
      noteStuck();
      if (!backtrack()) return invalid();
      continue;
    }
    const i = cand[ci++];
    if (!mayFollow(i)) continue;
    // An indeterminate op is pointless unless some candidate may follow it.
    if (i >= okCount && !model.hasFollower(i) && !(extend() && model.hasFollower(i))) continue;
    steps++;
    const r = model.step(i, state, scratch);
    if (r !== 0 && sp > 0 && stackOps[sp - 1] >= okCount) {
      // If i does the same from the state before that indeterminate op, the
      // op contributed nothing here: the linearization without it is explored.
      steps++;
      if (model.step(i, stackStates.subarray((sp - 1) * ss, sp * ss), before) !== 0 && before.every((x, j) => x === scratch[j])) continue;
    }
    if (r !== 0) {
      setBit(i);
      if (remember(scratch)) {
        push(i, false);
        fresh = true;
        continue;
      }
      clearBit(i);
    }
  }

  function invalid(): WglResult {
    return { kind: 'invalid', steps, cacheEntries, stuck: stuck ?? { op: -1, linearizedOk: 0, states: [], nextInOrder: -1 } };
  }
}
