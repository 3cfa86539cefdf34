import type Database from 'better-sqlite3';

/** etcd's backend commits its batch every 100 ms or 10,000 writes, whichever comes first. */
const INTERVAL_MS = 100;
const LIMIT = 10_000;

// The state database's write transaction stays open across applied batches and commits on
// etcd's schedule. The Raft log already holds every applied entry durably, so a crash loses only
// what replaying the log from the committed applied index redoes; meanwhile reads on this
// connection see every applied write, and one commit covers many batches.
export class WriteBatch {
  private readonly beginStmt: Database.Statement;
  private readonly commitStmt: Database.Statement;
  private openedAt = 0;
  private entries = 0;
  private timer: NodeJS.Timeout | undefined;

  /** `onCommit`: each commit's duration in seconds (etcd_disk_backend_commit_duration_seconds). */
  constructor(
    private readonly db: Database.Database,
    private readonly onCommit?: (seconds: number) => void,
  ) {
    this.beginStmt = db.prepare('BEGIN');
    this.commitStmt = db.prepare('COMMIT');
  }

  /** Opens the transaction unless it is open. */
  begin(): void {
    if (this.db.inTransaction) return;
    this.beginStmt.run();
    this.openedAt = Date.now();
    this.entries = 0;
    this.timer = setTimeout(() => this.commit(), INTERVAL_MS);
    this.timer.unref();
  }

  /** Counts `n` more writes; commits when the batch is old or large enough. */
  note(n: number): void {
    this.entries += n;
    if (this.entries >= LIMIT || Date.now() - this.openedAt >= INTERVAL_MS) this.commit();
  }

  commit(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.db.inTransaction) return;
    const t0 = performance.now();
    this.commitStmt.run();
    this.onCommit?.((performance.now() - t0) / 1000);
  }
}
