import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { AuthStore } from '../auth/auth-store.js';
import type { TokenProvider } from '../auth/tokens.js';
import { MemberStore } from '../cluster/member-store.js';
import { Lessor } from '../lease/lessor.js';
import { MvccStore } from '../mvcc/store.js';
import { Alarms } from './alarms.js';
import { Applier, type BatchOutcome } from './applier.js';
import { ensureApplyState } from './apply-state.js';
import { Checkpointer } from './checkpointer.js';
import type { CommittedEntry, SnapshotFile } from './consensus.js';
import { dbSize, dbSizeInUse, installSnapshot, openStateDb } from './state-db.js';
import { WriteBatch } from './write-batch.js';

/** Rows a compaction dropped that leave the disk per turn of the event loop. */
const REMOVE_PER_TURN = 2000;

export interface StateMachineOptions {
  /** Whether applied events must carry each key's previous version (a watcher asked for it). */
  wantPrevKv?: () => boolean;
  logger: Logger;
  /** The auth token provider (--auth-token); simple tokens by default. */
  tokens?: TokenProvider;
}

/** The stores over a state database; each creates the tables it keeps. */
function openStores(db: Database.Database, opts: Pick<StateMachineOptions, 'wantPrevKv' | 'tokens'>) {
  const lessor = new Lessor(db);
  const store = new MvccStore(db, lessor, { wantPrevKv: opts.wantPrevKv });
  return { lessor, store, alarms: new Alarms(db), members: new MemberStore(db), auth: new AuthStore(db, opts.tokens) };
}

/** The size of a state database that holds nothing: its tables' first pages (64 KiB today). */
export function emptyStateSize(): number {
  const db = new Database(':memory:');
  try {
    openStores(db, {});
    ensureApplyState(db);
    return dbSize(db);
  } finally {
    db.close();
  }
}

// The replicated state machine of one member: the state database and the stores over it (keys,
// leases, alarms, members, auth), and the applier that changes them. It runs on the main thread;
// only the Raft thread's committed entries change it. Its write transaction spans many applied
// batches (write-batch.ts); checkpoints run on a thread of their own.
export class StateMachine {
  readonly db: Database.Database;
  readonly store: MvccStore;
  readonly lessor: Lessor;
  readonly alarms: Alarms;
  readonly members: MemberStore;
  readonly auth: AuthStore;
  private readonly applier: Applier;
  private readonly batch: WriteBatch;
  private readonly checkpointer: Checkpointer;
  private installing = false;
  private removing = false;
  private closed = false;

  constructor(
    readonly path: string,
    opts: StateMachineOptions,
  ) {
    this.db = openStateDb(path);
    ({ lessor: this.lessor, store: this.store, alarms: this.alarms, members: this.members, auth: this.auth } = openStores(this.db, opts));
    this.applier = new Applier(this.db, this.store, this.lessor, this.alarms, this.members, this.auth);
    this.batch = new WriteBatch(this.db);
    this.checkpointer = new Checkpointer(path, opts.logger);
    this.removeCompacted();
  }

  appliedIndex(): number {
    return this.applier.appliedIndex();
  }

  appliedTerm(): number {
    return this.applier.appliedTerm();
  }

  apply(entries: readonly CommittedEntry[]): BatchOutcome {
    this.batch.begin();
    const outcome = this.applier.applyBatch(entries);
    this.batch.note(entries.length);
    this.removeCompacted();
    return outcome;
  }

  /** Commits what has been applied, for readers on other connections (copies, snapshots). */
  commit(): void {
    this.batch.commit();
  }

  /** Replaces the whole state with a snapshot's (durably), then re-reads what is held in memory. */
  async restore(snap: SnapshotFile): Promise<void> {
    this.batch.commit();
    this.installing = true;
    try {
      await installSnapshot(this.path, snap.path);
    } finally {
      this.installing = false;
    }
    this.store.reload();
    this.lessor.reload();
    this.alarms.reload();
    this.members.reload();
    this.auth.reload();
    this.applier.reload();
    this.removeCompacted();
  }

  /**
   * Commits, then has the checkpoint thread copy the WAL into the database file and fsync it.
   * Resolves to the applied index that is durable (undefined when the checkpoint could not finish).
   */
  checkpoint(): Promise<number | undefined> {
    this.batch.commit();
    return this.checkpointer.durable();
  }

  size(): number {
    return dbSize(this.db);
  }

  sizeInUse(): number {
    return dbSizeInUse(this.db);
  }

  /** Rewrites the database without free pages; blocks this thread (as etcd's defrag blocks its member). */
  defragment(): void {
    this.batch.commit();
    this.db.exec('VACUUM');
  }

  async close(): Promise<void> {
    this.closed = true;
    this.batch.commit();
    await this.checkpointer.stop();
    this.db.close();
  }

  /** Removes the rows compactions dropped, a bounded batch per turn, beside the writes. */
  private removeCompacted(): void {
    if (this.removing || this.store.pendingRemovals() === 0) return;
    this.removing = true;
    setImmediate(() => {
      this.removing = false;
      if (this.closed || this.installing) return;
      this.batch.begin();
      const left = this.store.removeCompacted(REMOVE_PER_TURN);
      this.batch.note(0);
      if (left > 0) this.removeCompacted();
    });
  }
}
