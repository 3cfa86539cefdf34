// The Wing & Gong / Lowe ("WGL") linearizability search with just-in-time
// linearization and memoization, as in Knossos' "linear" and Porcupine:
//
// Calls and returns of all ops sit in one doubly linked list in time order.
// Scanning from the head, each call met before the first return is a
// candidate to linearize next: if the model accepts it and the configuration
// (set of linearized ops, model state) was never reached before, it is
// linearized, lifted out of the list (call and return), and the scan restarts
// at the head. Meeting a return means that op must already have been
// linearized, so the search backtracks: the last choice is undone and the
// scan continues after it. Indeterminate ops have no return entry (they
// complete at +infinity), so they may be linearized anywhere after their call
// or never; the history is linearizable once every completed op is.
//
// Cache keys are exact strings. Completed ops take bit indices 0..okCount-1
// in invoke order, so their linearized set is nearly a prefix: the key stores
// the number of leading all-ones words plus the words after it, then the
// (usually small) region of indeterminate ops, then the model's state key.

export interface WglModel {
  /** Ops 0..okCount-1 completed (ideally sorted by invoke); okCount..n-1 are indeterminate. */
  readonly n: number;
  readonly okCount: number;
  readonly stateSize: number;
  readonly invokeMs: Float64Array;
  /** Used for completed ops only. */
  readonly completeMs: Float64Array;
  initial(out: Float64Array): void;
  /** Applies op to `cur`, writing the next state into `out`; false if the op is illegal there. */
  step(op: number, cur: Float64Array, out: Float64Array): boolean;
  /** The part of the cache key for a state; may omit components determined by the linearized set. */
  stateKey(s: Float64Array): string;
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
}

export type WglResult =
  | { kind: 'valid'; steps: number; cacheEntries: number }
  | { kind: 'invalid'; steps: number; cacheEntries: number; stuck: WglStuck }
  | { kind: 'unknown'; steps: number; cacheEntries: number; reason: string };

export function wglSearch(model: WglModel, budget: WglBudget): WglResult {
  const { n, okCount, stateSize: ss } = model;
  if (okCount === 0) return { kind: 'valid', steps: 0, cacheEntries: 0 };

  // Linked list: 0 is the head; op i has call entry 2i+1 and return entry 2i+2.
  const size = 2 * n + 1;
  const next = new Int32Array(size).fill(-1);
  const prev = new Int32Array(size).fill(-1);
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    order.push(2 * i + 1);
    if (i < okCount) order.push(2 * i + 2);
  }
  const time = (e: number): number => {
    const i = (e - 1) >> 1;
    return e & 1 ? model.invokeMs[i] : model.completeMs[i];
  };
  // Equal timestamps count as concurrent: calls sort before returns.
  order.sort((a, b) => time(a) - time(b) || (b & 1) - (a & 1) || a - b);
  let last = 0;
  for (const e of order) {
    next[last] = e;
    prev[e] = last;
    last = e;
  }

  // Bitset of linearized ops: ok region [0, okWords), info region after it.
  const okWords = (okCount + 31) >> 5;
  const infoWords = (n - okCount + 31) >> 5;
  const words = new Int32Array(okWords + infoWords);
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
      words[okWords + (j >> 5)] |= 1 << (j & 31);
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
      words[okWords + (j >> 5)] &= ~(1 << (j & 31));
    }
  };
  const chars = (x: number): string => String.fromCharCode(x & 0xffff, x >>> 16);
  const cacheKey = (s: Float64Array): string => {
    let k = model.stateKey(s) + ';' + chars(lowFull);
    for (let w = lowFull; w <= okHi; w++) k += chars(words[w]);
    for (let w = okWords; w < words.length; w++) k += chars(words[w]);
    return k;
  };

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

  const cache = new Set<string>();
  let state = new Float64Array(ss);
  let scratch = new Float64Array(ss);
  model.initial(state);
  // Stack of linearized ops and the state before each.
  const stackOps = new Int32Array(n);
  let stackStates = new Float64Array(Math.max(1, Math.min(n, 1024)) * ss);
  let sp = 0;
  let remainingOk = okCount;
  let steps = 0;

  let stuck: WglStuck | undefined;
  const noteStuck = (op: number): void => {
    const linearizedOk = okCount - remainingOk;
    const after = sp > 0 ? stackOps[sp - 1] : undefined;
    if (stuck === undefined || linearizedOk > stuck.linearizedOk) {
      stuck = { op, linearizedOk, states: [{ state: Array.from(state), after }] };
    } else if (linearizedOk === stuck.linearizedOk && op === stuck.op && stuck.states.length < 4) {
      const s = Array.from(state);
      if (!stuck.states.some((x) => x.state.every((v, j) => v === s[j]))) stuck.states.push({ state: s, after });
    }
  };

  let e = next[0];
  for (;;) {
    if (remainingOk === 0) return { kind: 'valid', steps, cacheEntries: cache.size };
    if (e !== -1 && e & 1) {
      // A call: try to linearize its op now.
      const i = (e - 1) >> 1;
      steps++;
      if ((steps & 0xffff) === 0) {
        if (steps > budget.maxSteps) return unknown(`more than ${budget.maxSteps} search steps`);
        if (performance.now() > budget.deadline) return unknown('time limit reached');
      }
      if (model.step(i, state, scratch)) {
        setBit(i);
        const k = cacheKey(scratch);
        if (!cache.has(k)) {
          if (cache.size >= budget.maxCacheEntries) return unknown(`more than ${budget.maxCacheEntries} cached configurations`);
          cache.add(k);
          if ((sp + 1) * ss > stackStates.length) {
            const bigger = new Float64Array(Math.min(n, 2 * (sp + 1)) * ss);
            bigger.set(stackStates);
            stackStates = bigger;
          }
          stackOps[sp] = i;
          stackStates.set(state, sp * ss);
          sp++;
          [state, scratch] = [scratch, state];
          if (i < okCount) remainingOk--;
          lift(i);
          e = next[0];
          continue;
        }
        clearBit(i);
      }
      e = next[e];
    } else {
      // A return of an op not yet linearized (or the end of the list): backtrack.
      if (e !== -1) noteStuck((e - 2) >> 1);
      if (sp === 0) {
        return { kind: 'invalid', steps, cacheEntries: cache.size, stuck: stuck ?? { op: -1, linearizedOk: 0, states: [] } };
      }
      sp--;
      const i = stackOps[sp];
      state.set(stackStates.subarray(sp * ss, sp * ss + ss));
      if (i < okCount) remainingOk++;
      clearBit(i);
      unlift(i);
      e = next[2 * i + 1];
    }
  }

  function unknown(reason: string): WglResult {
    return { kind: 'unknown', steps, cacheEntries: cache.size, reason };
  }
}
