// Known bugs the fault-injection entry point (faulty-raftkv.ts) can swap into a member, so the
// chaos checkers can prove they catch them. Each replaces one part through the composition root's
// seams (src/daemon/daemon.ts MemberParts); the product has no switch for any of them.
import type { WatchSend } from '../../src/api/watch-service.js';
import type { MemberParts } from '../../src/daemon/daemon.js';
import type { ApplyResult } from '../../src/server/apply-results.js';
import { ok } from '../../src/server/errors.js';
import { Proposer } from '../../src/server/proposer.js';
import type { WatchResponse } from '../../src/watch/index.js';

export type InjectedBug =
  /** Serve linearizable reads from local state, skipping ReadIndex. */
  | 'local-reads'
  /** Acknowledge a write as soon as it is proposed, before it is persisted or committed. */
  | 'ack-before-persist'
  /** Deliver some watch responses after the one that follows them. */
  | 'watch-reorder';

export const INJECTABLE_BUGS: readonly InjectedBug[] = ['local-reads', 'ack-before-persist', 'watch-reorder'];

/** The client hears "done" while the entry exists only in this process's memory. */
class EarlyAckProposer extends Proposer {
  protected override async awaitApplied(id: bigint, done: Promise<ApplyResult>): Promise<ApplyResult> {
    const early = await Promise.race([done, new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined)))]);
    if (early !== undefined) return early;
    this.waiters.cancel(id);
    return ok({ revision: 0, value: { type: 'compact' } });
  }
}

/** Every fifth event response is held back and sent after the one that follows it. */
function reorderingSend(write: WatchSend): WatchSend {
  let held: WatchResponse | undefined;
  let count = 0;
  return (resp) => {
    if (resp.events.length === 0) return write(resp);
    if (held === undefined && ++count % 5 === 0) {
      held = resp;
      return true;
    }
    const wrote = write(resp);
    if (held === undefined) return wrote;
    const late = held;
    held = undefined;
    return write(late) && wrote;
  };
}

export function bugParts(bugs: ReadonlySet<InjectedBug>): MemberParts {
  const parts: MemberParts = {};
  if (bugs.has('local-reads')) parts.readGate = () => ({ wait: () => Promise.resolve(ok(null)) });
  if (bugs.has('ack-before-persist')) parts.proposer = (o) => new EarlyAckProposer(o);
  if (bugs.has('watch-reorder')) parts.wrapWatchSend = reorderingSend;
  return parts;
}
