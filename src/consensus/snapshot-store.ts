// The Raft thread's snapshot files (member/snap/). A leader builds one when a follower needs it,
// on a builder thread, and sends it from disk; a follower receives one into a file and hands its
// path to the state machine. Snapshots never sit whole in memory.
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Snapshot, StorageError } from '../raft/index.js';
import type { SnapshotMetadata } from '../raft/types.js';
import { copyStateDb } from '../server/state-copy.js';
import type { SnapshotFiles } from '../transport/handler.js';

const EMPTY = new Uint8Array(0);
/** Built files kept for transfers still reading them; older ones are removed. */
const KEEP_BUILT = 2;

interface Built {
  metadata: SnapshotMetadata;
  path: string;
}

export class SnapshotStore implements SnapshotFiles {
  private readonly built: Built[] = [];
  private readonly received = new Map<number, string>();
  private building = false;
  private seq = 0;

  constructor(
    private readonly dir: string,
    private readonly stateDbPath: string,
    private readonly logger: Logger,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Whatever a previous run left here is unusable now: its transfers are gone.
    for (const name of readdirSync(dir)) rmSync(join(dir, name), { force: true });
  }

  /**
   * The newest snapshot that a follower can continue from with entries at or after `firstIndex`;
   * while there is none a build starts and Raft is told to try again later.
   */
  forFollower(firstIndex: number): Snapshot | StorageError {
    const newest = this.built[this.built.length - 1];
    if (newest !== undefined && newest.metadata.index >= firstIndex - 1) return { metadata: newest.metadata, data: EMPTY };
    this.build();
    return { error: 'snapshot-temporarily-unavailable' };
  }

  fileFor(index: number): string | undefined {
    return this.built.find((b) => b.metadata.index === index)?.path;
  }

  incomingPath(): string {
    return join(this.dir, `incoming-${Date.now()}-${++this.seq}.db`);
  }

  /** A fully received snapshot, waiting for Raft to accept it. */
  addReceived(index: number, path: string): void {
    const old = this.received.get(index);
    if (old !== undefined && old !== path) rmSync(old, { force: true });
    this.received.set(index, path);
  }

  /** The received file for the snapshot at `index`; the caller owns it from now on. */
  takeReceived(index: number): string | undefined {
    const path = this.received.get(index);
    this.received.delete(index);
    // Older receptions were superseded by this one.
    for (const [i, p] of this.received) {
      if (i <= index) {
        rmSync(p, { force: true });
        this.received.delete(i);
      }
    }
    return path;
  }

  private build(): void {
    if (this.building) return;
    this.building = true;
    const tmp = join(this.dir, `build-${++this.seq}.tmp`);
    const started = Date.now();
    copyStateDb(this.stateDbPath, tmp).then(
      (copy) => {
        this.building = false;
        const path = join(this.dir, `snap-${copy.index}.db`);
        renameSync(tmp, path);
        this.built.push({ metadata: { index: copy.index, term: copy.term, confState: copy.confState }, path });
        while (this.built.length > KEEP_BUILT) rmSync(this.built.shift()!.path, { force: true });
        this.logger.info({ index: copy.index, ms: Date.now() - started }, 'built a snapshot for a follower');
      },
      (err: unknown) => {
        this.building = false;
        rmSync(tmp, { force: true });
        this.logger.error({ err }, 'snapshot build failed');
      },
    );
  }
}
