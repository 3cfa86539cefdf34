// Proposers waiting for their request to be applied, keyed by request ID.
export class Waiters<T> {
  private readonly waiting = new Map<bigint, (value: T) => void>();

  register(id: bigint): Promise<T> {
    return new Promise<T>((resolve) => this.waiting.set(id, resolve));
  }

  /** Wakes the waiter for `id`, if this member has one (requests proposed elsewhere have none). */
  trigger(id: bigint, value: T): void {
    const resolve = this.waiting.get(id);
    if (resolve === undefined) return;
    this.waiting.delete(id);
    resolve(value);
  }

  /** Wakes every waiter with the same value, e.g. on shutdown. */
  triggerAll(value: T): void {
    const all = [...this.waiting.values()];
    this.waiting.clear();
    for (const resolve of all) resolve(value);
  }

  cancel(id: bigint): void {
    this.waiting.delete(id);
  }
}

/** Resolves promises once the applied index reaches a target. */
export class AppliedIndexWaiters {
  private waiting: { index: number; resolve: () => void }[] = [];

  constructor(private applied: number) {}

  wait(index: number): Promise<void> {
    if (index <= this.applied) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push({ index, resolve }));
  }

  advance(applied: number): void {
    this.applied = applied;
    if (this.waiting.length === 0) return;
    const still: typeof this.waiting = [];
    for (const w of this.waiting) {
      if (w.index <= applied) w.resolve();
      else still.push(w);
    }
    this.waiting = still;
  }

  releaseAll(): void {
    const all = this.waiting;
    this.waiting = [];
    for (const w of all) w.resolve();
  }
}
