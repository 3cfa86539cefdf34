// A synchronous in-memory cluster for unit and scenario tests: every node
// persists and applies each Ready at once and messages are delivered in FIFO
// order until the network is quiet. Links can be cut, and a filter can drop
// or hold messages. (The randomized, crash-prone harness is src/raft/sim.)
import { bootstrapStorage } from '../../src/raft/bootstrap.js';
import { decodeConfChange } from '../../src/raft/conf-change-codec.js';
import type { RaftConfig } from '../../src/raft/config.js';
import { MemoryStorage } from '../../src/raft/memory-storage.js';
import { RawNode } from '../../src/raft/raw-node.js';
import { Rng } from '../../src/raft/sim/rng.js';
import type { ConfState, Entry, Message, NodeId, ReadState } from '../../src/raft/types.js';

export type TestConfig = Partial<Omit<RaftConfig, 'id' | 'storage' | 'random'>>;

export class TestNode {
  raw: RawNode;
  readonly storage: MemoryStorage;
  /** Normal entries applied, in order (the "state machine"). */
  applied: Entry[] = [];
  appliedIndex = 0;
  confState: ConfState = { voters: [], learners: [] };
  readStates: ReadState[] = [];

  constructor(
    readonly id: NodeId,
    storage: MemoryStorage,
    private readonly cfg: TestConfig,
    private readonly seed: number,
  ) {
    this.storage = storage;
    this.raw = this.newRawNode();
  }

  private newRawNode(): RawNode {
    const rng = new Rng(this.seed);
    return new RawNode({
      id: this.id,
      electionTick: 10,
      heartbeatTick: 1,
      preVote: false,
      checkQuorum: false,
      maxSizePerMsg: Number.POSITIVE_INFINITY,
      maxInflightMsgs: 256,
      ...this.cfg,
      storage: this.storage,
      random: () => rng.next(),
    });
  }

  /** Crash and restart: keep only what storage holds. */
  restart(): void {
    this.raw = this.newRawNode();
    const snap = this.storage.snapshot();
    this.applied = [];
    this.appliedIndex = 'metadata' in snap ? snap.metadata.index : 0;
  }

  /** Handles all pending Readies; returns the messages to send. */
  drain(): Message[] {
    const out: Message[] = [];
    while (this.raw.hasReady()) {
      const rd = this.raw.ready();
      if (rd.snapshot) this.storage.applySnapshot(rd.snapshot);
      this.storage.append(rd.entries);
      if (rd.hardState) this.storage.setHardState(rd.hardState);
      for (const m of rd.messages) out.push(m.message);
      if (rd.snapshot) {
        this.appliedIndex = rd.snapshot.metadata.index;
        this.confState = rd.snapshot.metadata.confState;
      }
      for (const e of rd.committedEntries) {
        if (e.type === 'confChange') this.confState = this.raw.applyConfChange(decodeConfChange(e.data));
        else if (e.data.length > 0) this.applied.push(e);
        this.appliedIndex = e.index;
      }
      this.readStates.push(...rd.readStates);
      this.raw.advance(rd);
    }
    return out;
  }

  /** Snapshot at the applied index and compact the log up to it. */
  compact(): void {
    this.storage.createSnapshot(this.appliedIndex, this.confState, new Uint8Array(0));
    this.storage.compact(this.appliedIndex);
  }

  appliedData(): string[] {
    return this.applied.map((e) => new TextDecoder().decode(e.data));
  }

  get state(): string {
    return this.raw.status().state;
  }

  get term(): number {
    return this.raw.status().term;
  }

  /** The whole log held by this node (storage plus unstable), from firstIndex. */
  logEntries(): Entry[] {
    const log = this.raw.raft.log;
    const ents = log.slice(log.firstIndex(), log.lastIndex() + 1, Number.POSITIVE_INFINITY);
    if (!Array.isArray(ents)) throw new Error(ents.error);
    return ents;
  }
}

export class TestCluster {
  readonly nodes = new Map<NodeId, TestNode>();
  private readonly cut = new Set<string>();
  /** Return false to drop a message. */
  filter: ((m: Message) => boolean) | undefined;
  /** Every message that went through the network, for assertions. */
  trace: Message[] = [];
  queue: Message[] = [];

  constructor(
    ids: readonly NodeId[],
    private readonly cfg: TestConfig = {},
    perNode: (id: NodeId) => TestConfig = () => ({}),
  ) {
    ids.forEach((id, i) => {
      const st = new MemoryStorage();
      bootstrapStorage(st, ids);
      this.nodes.set(id, new TestNode(id, st, { ...cfg, ...perNode(id) }, 1000 + i));
    });
    // Apply the bootstrap configuration.
    for (const n of this.nodes.values()) this.enqueue(n.drain());
  }

  /** Adds a node with empty storage (it learns everything from the leader). */
  addEmptyNode(id: NodeId, cfg: TestConfig = {}): TestNode {
    const n = new TestNode(id, new MemoryStorage(), { ...this.cfg, ...cfg }, 2000 + Number(id));
    this.nodes.set(id, n);
    return n;
  }

  node(id: NodeId): TestNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  private enqueue(ms: Message[]): void {
    for (const m of ms) {
      this.trace.push(m);
      if (this.cut.has(`${m.from}-${m.to}`)) continue;
      if (this.filter && !this.filter(m)) continue;
      this.queue.push(m);
    }
  }

  /** Delivers queued messages (and those they cause) until the network is quiet. */
  deliver(maxSteps = 100_000): void {
    for (const n of this.nodes.values()) this.enqueue(n.drain());
    let steps = 0;
    while (this.queue.length > 0) {
      if (++steps > maxSteps) throw new Error('network did not settle');
      const m = this.queue.shift() as Message;
      const to = this.nodes.get(m.to);
      if (!to) continue;
      to.raw.step(m);
      this.enqueue(to.drain());
    }
  }

  /** Delivers exactly the messages queued now, without the ones they cause. */
  deliverQueuedOnce(): void {
    const batch = this.queue;
    this.queue = [];
    for (const m of batch) {
      const to = this.nodes.get(m.to);
      if (!to) continue;
      to.raw.step(m);
      this.enqueue(to.drain());
    }
  }

  tick(id: NodeId, times = 1): void {
    for (let i = 0; i < times; i++) {
      this.node(id).raw.tick();
      this.enqueue(this.node(id).drain());
    }
  }

  tickAll(times = 1): void {
    for (let i = 0; i < times; i++) {
      for (const id of this.nodes.keys()) this.tick(id);
      this.deliver();
    }
  }

  /** Makes `id` campaign and settles. */
  elect(id: NodeId): void {
    this.deliver(); // a restarted node first re-applies its committed configuration
    this.node(id).raw.campaign();
    this.deliver();
  }

  propose(id: NodeId, data: string): ReturnType<RawNode['propose']> {
    const err = this.node(id).raw.propose(new TextEncoder().encode(data));
    this.deliver();
    return err;
  }

  cutLink(a: NodeId, b: NodeId): void {
    this.cut.add(`${a}-${b}`);
    this.cut.add(`${b}-${a}`);
  }

  cutOneWay(from: NodeId, to: NodeId): void {
    this.cut.add(`${from}-${to}`);
  }

  isolate(id: NodeId): void {
    for (const other of this.nodes.keys()) if (other !== id) this.cutLink(id, other);
  }

  heal(): void {
    this.cut.clear();
    this.filter = undefined;
  }

  leader(): TestNode | undefined {
    let found: TestNode | undefined;
    for (const n of this.nodes.values()) if (n.state === 'leader' && (!found || n.term > found.term)) found = n;
    return found;
  }
}

export function bytes(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
