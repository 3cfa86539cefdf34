// A queue of bounded length between one producer and many consumers, as a
// buffered Go channel is: put waits while it is full, take waits while it is
// empty, and after close takers drain it and then get undefined.

export class BoundedQueue<T> {
  private readonly items: T[] = [];
  private readonly takers: ((v: T | undefined) => void)[] = [];
  private readonly putters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly capacity: number) {}

  async put(v: T): Promise<void> {
    while (this.takers.length === 0 && this.items.length >= this.capacity) {
      await new Promise<void>((resolve) => this.putters.push(resolve));
    }
    const taker = this.takers.shift();
    if (taker !== undefined) taker(v);
    else this.items.push(v);
  }

  take(): Promise<T | undefined> {
    if (this.items.length > 0) {
      const v = this.items.shift() as T;
      this.putters.shift()?.();
      return Promise.resolve(v);
    }
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.takers.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const t of this.takers.splice(0)) t(undefined);
  }
}
