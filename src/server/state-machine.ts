import type Database from 'better-sqlite3';
import { AuthStore } from '../auth/auth-store.js';
import { MemberStore } from '../cluster/member-store.js';
import { Lessor } from '../lease/lessor.js';
import { MvccStore } from '../mvcc/store.js';
import { Alarms } from './alarms.js';
import { Applier, type BatchOutcome } from './applier.js';
import type { CommittedEntry, SnapshotFile } from './consensus.js';
import { dbSize, dbSizeInUse, installSnapshot, openStateDb } from './state-db.js';

// The replicated state machine of one member: the state database and the stores over it (keys,
// leases, alarms, members, auth), and the applier that changes them. It runs on the main thread;
// only the Raft thread's committed entries change it.
export class StateMachine {
  readonly db: Database.Database;
  readonly store: MvccStore;
  readonly lessor: Lessor;
  readonly alarms: Alarms;
  readonly members: MemberStore;
  readonly auth: AuthStore;
  private readonly applier: Applier;

  constructor(readonly path: string) {
    this.db = openStateDb(path);
    this.lessor = new Lessor(this.db);
    this.store = new MvccStore(this.db, this.lessor);
    this.alarms = new Alarms(this.db);
    this.members = new MemberStore(this.db);
    this.auth = new AuthStore(this.db);
    this.applier = new Applier(this.db, this.store, this.lessor, this.alarms, this.members, this.auth);
  }

  appliedIndex(): number {
    return this.applier.appliedIndex();
  }

  appliedTerm(): number {
    return this.applier.appliedTerm();
  }

  apply(entries: readonly CommittedEntry[]): BatchOutcome {
    return this.applier.applyBatch(entries);
  }

  /** Replaces the whole state with a snapshot's (durably), then re-reads what is cached in memory. */
  async restore(snap: SnapshotFile): Promise<void> {
    await installSnapshot(this.path, snap.path);
    this.lessor.reload();
    this.alarms.reload();
    this.members.reload();
    this.auth.reload();
    this.applier.reload();
  }

  /** Makes everything applied so far durable (a full WAL checkpoint fsyncs the database file). */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(FULL)');
  }

  size(): number {
    return dbSize(this.db);
  }

  sizeInUse(): number {
    return dbSizeInUse(this.db);
  }

  /** Rewrites the database without free pages; blocks this thread (as etcd's defrag blocks its member). */
  defragment(): void {
    this.db.exec('VACUUM');
  }

  close(): void {
    this.db.close();
  }
}
