// --auto-compaction-mode / --auto-compaction-retention, as etcd 3.4's compactor package runs them
// on the leader (followers pause): compactions are proposed like a client's Compact request.
//  periodic: the current revision is sampled every retention/10 (at most every 6 minutes); after
//    one retention period, and then every min(retention, 1h), the history is compacted at the
//    oldest sample kept, the revision of about one retention period ago.
//  revision: every 5 minutes, compacts at current - retention unless that is where it last did.
import type { Logger } from 'pino';
import type { AutoCompaction } from './ops-config.js';
import type { ServerResult } from './errors.js';

export interface AutoCompactorDeps {
  /** The store's current revision. */
  revision(): number;
  /** Proposes a compaction at `rev`. */
  compact(rev: number): Promise<ServerResult<unknown>>;
  /** Only the leader compacts. */
  isLeader(): boolean;
  logger: Logger;
}

const HOUR_MS = 3600_000;
/** etcd's revInterval: how often the revision compactor looks. */
const REVISION_CHECK_MS = 5 * 60_000;
/** etcd's retryDivisor: the periodic compactor samples (and retries) ten times per period. */
const RETRY_DIVISOR = 10;

export interface Compactor {
  run(): void;
  stop(): void;
}

/** The compactor for the settings, or undefined when auto compaction is off. */
export function autoCompactor(settings: AutoCompaction, deps: AutoCompactorDeps): Compactor | undefined {
  if (settings.mode === 'periodic') return new PeriodicCompactor(settings.retentionMs, deps);
  if (settings.mode === 'revision') return new RevisionCompactor(settings.retention, deps);
  return undefined;
}

/** A compaction at `rev`; an already compacted revision counts as done, as in etcd. */
async function compactAt(deps: AutoCompactorDeps, rev: number, what: Record<string, number>): Promise<boolean> {
  deps.logger.info({ revision: rev, ...what }, 'starting auto compaction');
  const r = await deps.compact(rev);
  if (r.ok || r.error.kind === 'compacted') {
    deps.logger.info({ revision: rev }, 'completed auto compaction');
    return true;
  }
  deps.logger.warn({ revision: rev, error: r.error.kind }, 'failed auto compaction; will retry');
  return false;
}

abstract class TimedCompactor implements Compactor {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly everyMs: number) {}

  run(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  protected abstract tick(): Promise<void>;

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick().finally(() => this.schedule()), this.everyMs);
    this.timer.unref();
  }
}

export class PeriodicCompactor extends TimedCompactor {
  private readonly revs: number[] = [];
  private readonly keep: number;
  private readonly compactEveryMs: number;
  private lastSuccess = Date.now();
  private waitMs: number;

  constructor(
    private readonly periodMs: number,
    private readonly deps: AutoCompactorDeps,
  ) {
    const retryMs = Math.min(periodMs, HOUR_MS) / RETRY_DIVISOR;
    super(retryMs);
    this.keep = Math.floor(periodMs / retryMs) + 1;
    this.compactEveryMs = Math.min(periodMs, HOUR_MS);
    this.waitMs = periodMs;
  }

  override run(): void {
    // The first compaction waits one whole period from now.
    this.lastSuccess = Date.now();
    this.sample();
    super.run();
  }

  private sample(): void {
    this.revs.push(this.deps.revision());
    if (this.revs.length > this.keep) this.revs.shift(); // revs[0] is the revision of one period ago
  }

  protected async tick(): Promise<void> {
    const due = this.deps.isLeader() && Date.now() - this.lastSuccess >= this.waitMs;
    if (due) {
      this.waitMs = this.compactEveryMs;
      if (await compactAt(this.deps, this.revs[0]!, { retentionMs: this.periodMs })) this.lastSuccess = Date.now();
    }
    this.sample();
  }
}

export class RevisionCompactor extends TimedCompactor {
  private prev = 0;

  constructor(
    private readonly retention: number,
    private readonly deps: AutoCompactorDeps,
  ) {
    super(REVISION_CHECK_MS);
  }

  protected async tick(): Promise<void> {
    if (!this.deps.isLeader()) return;
    const rev = this.deps.revision() - this.retention;
    if (rev <= 0 || rev === this.prev) return;
    if (await compactAt(this.deps, rev, { retention: this.retention })) this.prev = rev;
  }
}
