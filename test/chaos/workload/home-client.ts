// A workload client bound to one member ("home"), as Jepsen binds clients to
// nodes, so that a stale member's answers show up in the history.
//
// It talks to one endpoint at a time and does its own failover, so that the
// history does not depend on the client library's retry policy (one that
// resent a delivered write once made a single recorded op apply twice:
// docs/RELIABILITY.md, finding 1). A request is only moved to another member
// when it provably never left (no connection), and an indeterminate op means
// a fresh connection to home.
import { EtcdClient, neverSent } from '../../../src/client/index.js';
import { classify } from '../outcome.js';

/** How long a client stays on another member before trying home again. */
const AWAY_MS = 3000;

export class HomeClient {
  private c: EtcdClient;
  private current: number;
  private awaySince = 0;

  constructor(
    private readonly endpoints: readonly string[],
    private readonly home: number,
    private readonly timeoutMs: number,
  ) {
    this.current = home;
    this.c = this.connect(home);
  }

  get client(): EtcdClient {
    if (this.current !== this.home && Date.now() - this.awaySince > AWAY_MS) this.switchTo(this.home);
    return this.c;
  }

  /** The endpoint calls go to now. */
  get endpoint(): string {
    return this.endpoints[this.current] as string;
  }

  /** After a failed call: next member if it never got there, a fresh connection home if it may have. */
  onError(e: unknown): void {
    if (neverSent(e)) {
      if (this.current === this.home) this.awaySince = Date.now();
      this.switchTo((this.current + 1) % this.endpoints.length);
    } else if (classify(e).outcome === 'info') {
      this.switchTo(this.home);
    }
  }

  close(): void {
    this.c.close();
  }

  private switchTo(i: number): void {
    this.c.close();
    this.current = i;
    this.c = this.connect(i);
  }

  private connect(i: number): EtcdClient {
    return new EtcdClient([this.endpoints[i] as string], { timeoutMs: this.timeoutMs });
  }
}
