// The Raft thread: its durable log, its snapshot files, the peer transport and the loop, wired to
// the main thread through the worker port. Started by raft-worker.ts (or by a test entry point
// that passes faulty parts).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import pino, { type Logger } from 'pino';
import type { Member } from '../cluster/member-store.js';
import type { ConfState } from '../raft/index.js';
import { DurableLog } from '../storage/durable-log.js';
import { RaftStorage } from '../storage/raft-storage.js';
import { PeerTransport } from '../transport/index.js';
import type { FromRaft, RaftThreadConfig, ToRaft } from './protocol.js';
import { LatencySamples } from './latency-samples.js';
import { RaftLoop } from './raft-loop.js';
import { SnapshotStore } from './snapshot-store.js';

/** What a worker entry point may replace: the fault-injection tests slow the disk and proxy links. */
export interface RaftThreadParts {
  openLog(path: string, config: RaftThreadConfig): DurableLog;
  /** Peer URL -> URL to dial instead. */
  dialMap(config: RaftThreadConfig): ReadonlyMap<string, string> | undefined;
}

export const PRODUCT_PARTS: RaftThreadParts = {
  openLog: (path) => new DurableLog(path),
  dialMap: () => undefined,
};

function confStateOf(members: readonly Member[]): ConfState {
  const voters: bigint[] = [];
  const learners: bigint[] = [];
  for (const m of members) (m.isLearner ? learners : voters).push(m.id);
  return { voters, learners };
}

/**
 * A state database that is ahead of the log (a snapshot was installed, then the process died
 * before the log was reset) wins: the log restarts after it, as the install would have left it.
 */
function alignLog(log: DurableLog, applied: number, appliedTerm: number, logger: Logger): void {
  if (applied === 0 || appliedTerm === 0 || applied < log.snapshotPoint().index) return;
  if (log.term(applied) === appliedTerm) return;
  logger.warn({ applied, appliedTerm, lastIndex: log.lastIndex() }, 'the state is ahead of the Raft log; restarting the log after it');
  log.reset(applied, appliedTerm);
}

export function runRaftThread(parts: RaftThreadParts): void {
  const port = parentPort;
  if (port === null) throw new Error('raftkv: the Raft thread must run in a worker');
  const cfg = workerData as RaftThreadConfig;
  const logger = pino({ level: cfg.logLevel === 'panic' ? 'fatal' : cfg.logLevel }, pino.destination({ dest: 2, sync: true }));
  const post = (m: FromRaft): void => port.postMessage(m);
  try {
    start(port, cfg, parts, logger, post);
  } catch (err) {
    logger.fatal({ err }, 'the Raft thread failed to start');
    post({ t: 'fatal', message: err instanceof Error ? err.message : String(err) });
  }
}

function start(port: MessagePort, cfg: RaftThreadConfig, parts: RaftThreadParts, logger: Logger, post: (m: FromRaft) => void): void {
  let members = cfg.members;
  let applied = cfg.applied;
  const log = parts.openLog(join(cfg.memberDir, 'raft.db'), cfg);
  alignLog(log, cfg.applied, cfg.appliedTerm, logger);
  const snapshots = new SnapshotStore(join(cfg.memberDir, 'snap'), cfg.stateDbPath, logger);
  const storage = new RaftStorage(log, {
    confState: () => confStateOf(members),
    snapshot: () => snapshots.forFollower(log.firstIndex()),
  });

  let installing: { index: number; path: string; done: (err?: Error) => void } | undefined;
  const fatal = (err: unknown): void => {
    logger.fatal({ err }, 'the Raft log cannot be written or read; stopping');
    post({ t: 'fatal', message: err instanceof Error ? err.message : String(err) });
  };

  // eslint-style forward reference: the transport calls into the loop, the loop sends through it.
  let loop: RaftLoop | undefined;
  const transport = new PeerTransport({
    memberId: cfg.memberId,
    clusterId: cfg.clusterId,
    listenUrls: cfg.listenPeerUrls,
    tls: cfg.peerTls,
    logger,
    files: snapshots,
    dialMap: parts.dialMap(cfg),
    handler: {
      onMessages: (msgs) => loop?.step(msgs),
      onSnapshot: (msg, file) => {
        const index = msg.snapshot?.metadata.index;
        if (index === undefined || loop === undefined) {
          rmSync(file, { force: true });
          return;
        }
        snapshots.addReceived(index, file);
        loop.step([msg]);
      },
      onUnreachable: (id) => loop?.reportUnreachable(id),
      onSnapshotStatus: (id, ok) => loop?.reportSnapshot(id, ok),
      onRemoved: () => post({ t: 'removed', graceMs: 0 }),
      membership: () => ({ clusterId: cfg.clusterId, members, appliedIndex: applied }),
    },
  });

  // A batch of proposals the core took is acknowledged with the next message to the main thread
  // (a write's committed entries, usually) instead of one of its own; a batch with a refusal at once.
  let unacked: number | undefined;
  const postReady = (out: Omit<Extract<FromRaft, { t: 'ready' }>, 't'>): void => {
    const proposedThrough = unacked;
    unacked = undefined;
    post({ t: 'ready', ...out, ...(proposedThrough === undefined ? {} : { proposedThrough }) });
  };
  // At the latest on the next tick, when nothing else went to the main thread meanwhile.
  const ackTimer = setInterval(() => {
    if (unacked === undefined) return;
    post({ t: 'proposed', first: unacked + 1, results: [] });
    unacked = undefined;
  }, cfg.heartbeatMs);

  const samples = new LatencySamples((batch) => post({ t: 'latencies', ...batch }), 2 * cfg.electionMs);
  const raft = new RaftLoop({
    id: cfg.memberId,
    samples,
    storage,
    network: transport,
    logger,
    heartbeatMs: cfg.heartbeatMs,
    electionMs: cfg.electionMs,
    catchUpEntries: cfg.catchUpEntries,
    applied: cfg.applied,
    onFatal: fatal,
    link: {
      ready: postReady,
      install: (snap) =>
        new Promise<void>((resolve, reject) => {
          const path = snapshots.takeReceived(snap.index);
          if (path === undefined) {
            reject(new Error(`no received file for the snapshot at index ${snap.index}`));
            return;
          }
          installing = {
            index: snap.index,
            path,
            done: (err) => {
              installing = undefined;
              rmSync(path, { force: true });
              if (err === undefined) resolve();
              else reject(err);
            },
          };
          post({ t: 'install', ...snap, path });
        }),
      removed: (graceMs) => post({ t: 'removed', graceMs }),
    },
  });
  loop = raft;

  port.on('message', (m: ToRaft) => {
    switch (m.t) {
      case 'propose': {
        const results = raft.propose(m.items);
        if (results.every((r) => r === undefined)) {
          unacked = m.first + m.items.length - 1;
        } else {
          unacked = undefined;
          post({ t: 'proposed', first: m.first, results });
        }
        break;
      }
      case 'read': {
        const error = raft.readIndex(m.ctx);
        if (error !== undefined) post({ t: 'readFailed', ctx: m.ctx, error });
        break;
      }
      case 'applied':
        applied = m.index;
        raft.applied(m.index);
        break;
      case 'durable':
        try {
          raft.durable(m.index);
        } catch (err) {
          raft.stop();
          fatal(err);
        }
        break;
      case 'members':
        members = m.members;
        applied = m.applied;
        raft.syncPeers(members);
        break;
      case 'installed':
        if (installing?.index === m.index) installing.done(m.error === undefined ? undefined : new Error(m.error));
        break;
      case 'progress':
        post({ t: 'progress', seq: m.seq, progress: raft.progress() });
        break;
      case 'stop':
        clearInterval(ackTimer);
        raft.stop();
        samples.stop();
        void transport.stop().finally(() => {
          log.close();
          post({ t: 'stopped' });
          port.close();
        });
        break;
    }
  });

  const initialPeers = members.length > 0 ? members : cfg.initialPeers;
  raft.syncPeers(initialPeers);
  void transport.run().then(
    () => {
      raft.start();
      post({ t: 'started', peerUrls: transport.urls() });
    },
    (err: unknown) => {
      logger.fatal({ err }, 'cannot listen for peers');
      post({ t: 'fatal', message: err instanceof Error ? err.message : String(err) });
    },
  );
}
