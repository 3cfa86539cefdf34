import type { RaftConfig } from '../config.js';
import { isStorageError } from '../errors.js';
import { MemoryStorage } from '../memory-storage.js';
import { RawNode } from '../raw-node.js';
import type { NodeId, Ready } from '../types.js';
import { Rng } from './rng.js';
import { decodeSmSnapshot, type SimStateMachine } from './state-machine.js';

export type NodeParams = Omit<RaftConfig, 'id' | 'storage' | 'random' | 'applied'>;

/**
 * One simulated server. `durable` is its disk: it only changes when the
 * simulation persists a Ready (or compacts), so a crash keeps exactly that.
 * Everything else (the RawNode, the state machine) is lost on a crash.
 */
export class SimNode {
  readonly durable = new MemoryStorage();
  raw: RawNode | undefined;
  sm: SimStateMachine = { index: 0, hash: 0, conf: { voters: [], learners: [] } };
  /** Commit index up to which the checker verified this node's durable log. */
  checkedCommit = 0;
  /** A Ready whose durable write is still in progress (slow disk), and when it completes. */
  writing: Ready | undefined;
  writeDoneAt = 0;
  /** Crash in the middle of handling the next Ready (after the early sends). */
  crashAtNextReady = false;
  /** Applied its own removal, or was told it is removed: shut down for good. */
  retired = false;
  /**
   * Members this node saw removed (kept across restarts, like etcd's member
   * store). Its transport refuses their messages and tells them to stop.
   */
  readonly removed = new Set<NodeId>();
  private starts = 0;

  constructor(
    readonly id: NodeId,
    private readonly params: NodeParams,
    private readonly seed: number,
  ) {}

  get up(): boolean {
    return this.raw !== undefined;
  }

  start(): void {
    const rng = new Rng(this.seed + this.starts++ * 7919);
    const snap = this.durable.snapshot();
    const meta = isStorageError(snap) ? undefined : snap.metadata;
    // The state machine is volatile: rebuild it from the snapshot and let
    // Raft re-deliver the committed entries after it.
    const restored = isStorageError(snap) ? { index: 0, hash: 0 } : decodeSmSnapshot(snap.data);
    this.sm = {
      index: meta?.index ?? 0,
      hash: restored.hash,
      conf: meta ? { voters: [...meta.confState.voters], learners: [...meta.confState.learners] } : { voters: [], learners: [] },
    };
    this.raw = new RawNode({
      ...this.params,
      id: this.id,
      storage: this.durable,
      random: () => rng.next(),
      applied: meta?.index ?? 0,
    });
    this.crashAtNextReady = false;
  }

  crash(): void {
    this.raw = undefined;
    this.writing = undefined; // the write never completed
    this.crashAtNextReady = false;
  }
}
