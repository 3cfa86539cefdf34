// Switches that exist only so the fault-injection harness (test/chaos) can prove its checkers
// catch real bugs, and can slow the disk down. Every one is off unless a --test-* flag sets it;
// none belongs in production use.

export type InjectedBug =
  /** Serve linearizable reads from local state, skipping ReadIndex. */
  | 'local-reads'
  /** Acknowledge a write as soon as it is proposed, before it is persisted or committed. */
  | 'ack-before-persist'
  /** Deliver some watch responses after the one that follows them. */
  | 'watch-reorder';

export const INJECTABLE_BUGS: readonly InjectedBug[] = ['local-reads', 'ack-before-persist', 'watch-reorder'];

export interface TestHooks {
  bugs: ReadonlySet<InjectedBug>;
}

export const NO_TEST_HOOKS: TestHooks = { bugs: new Set() };
