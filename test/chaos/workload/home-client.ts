// A workload client bound to one member ("home"), as Jepsen binds clients to
// nodes, so that a stale member's answers show up in the history. The
// EtcdClient fails over to the other endpoints only when home is down, and
// reconnect() (after an indeterminate op) goes home again on a fresh
// connection.
import { EtcdClient } from '../../../src/client/index.js';

export class HomeClient {
  private c: EtcdClient;

  constructor(
    private readonly endpoints: readonly string[],
    private readonly home: number,
    private readonly timeoutMs: number,
  ) {
    this.c = this.make();
  }

  get client(): EtcdClient {
    return this.c;
  }

  /** The endpoint calls go to now. */
  get endpoint(): string {
    return this.c.endpoint;
  }

  reconnect(): void {
    this.c.close();
    this.c = this.make();
  }

  close(): void {
    this.c.close();
  }

  private make(): EtcdClient {
    const n = this.endpoints.length;
    const order = Array.from({ length: n }, (_, i) => this.endpoints[(this.home + i) % n] as string);
    return new EtcdClient(order, { timeoutMs: this.timeoutMs });
  }
}
