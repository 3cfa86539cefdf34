// etcd 3.4's corruption checks (etcdserver/corrupt.go), comparing HashKV across members.
//  initial (--experimental-initial-corrupt-check): before a restarted member serves, its hash at
//    its current revision is compared with each peer's hash at that revision; a different hash at
//    the same compact revision stops the member from starting.
//  periodic (--experimental-corrupt-check-time): the leader compares its own hash with each
//    peer's, and raises the CORRUPT alarm (for the peer, or for itself) on a mismatch.
import type { Logger } from 'pino';
import type { HashKvResult, Result } from '../mvcc/types.js';

/** A peer's HashKV answer, or why it has none. */
export interface PeerHash {
  memberId: bigint;
  /** The peer's answer; compactRevision 0 when it never compacted. */
  hash?: HashKvResult;
  /** 'future_rev' (the peer is behind), 'compacted' (this member is behind), or another failure. */
  error?: string;
}

export interface CorruptionCheckDeps {
  memberId: bigint;
  /** This member's HashKV at its current revision. */
  localHash(): Result<HashKvResult>;
  /** Every peer's HashKV at `revision`. */
  peerHashes(revision: number): Promise<PeerHash[]>;
  /** Resolves true once this member has applied everything committed (a linearizable read's wait). */
  caughtUp(): Promise<boolean>;
  raiseCorrupt(memberId: bigint): Promise<unknown>;
  isLeader(): boolean;
  logger: Logger;
}

const hex = (id: bigint): string => id.toString(16);

export class CorruptionCheck {
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(private readonly d: CorruptionCheckDeps) {}

  /** The initial check: an error message when a peer holds different data at the same revision. */
  async initial(): Promise<string | undefined> {
    const d = this.d;
    d.logger.info({ localMemberId: hex(d.memberId) }, 'starting initial corruption check');
    const local = d.localHash();
    if (!local.ok) return `${hex(d.memberId)} failed to fetch hash (${local.error.kind})`;
    const { hash, revision, compactRevision } = local.value;
    let mismatch = 0;
    for (const p of await d.peerHashes(revision)) {
      const remote = hex(p.memberId);
      if (p.hash !== undefined) {
        if (p.hash.hash === hash) continue;
        if (p.hash.compactRevision === compactRevision) {
          d.logger.warn({ remotePeerId: remote, localHash: hash, remoteHash: p.hash.hash, revision, compactRevision }, 'found different hash values from remote peer');
          mismatch++;
        } else {
          d.logger.warn({ remotePeerId: remote, compactRevision, remoteCompactRevision: p.hash.compactRevision }, 'found different compact revision values from remote peer');
        }
      } else if (p.error === 'future_rev') d.logger.warn({ remotePeerId: remote, revision }, 'cannot fetch hash from slow remote peer');
      else if (p.error === 'compacted') d.logger.warn({ remotePeerId: remote, revision }, 'cannot fetch hash from remote peer; local member is behind');
      else d.logger.warn({ remotePeerId: remote, error: p.error }, 'cannot fetch hash from remote peer');
    }
    if (mismatch > 0) return `${hex(d.memberId)} found data inconsistency with peers`;
    d.logger.info({ localMemberId: hex(d.memberId) }, 'initial corruption checking passed; no corruption');
    return undefined;
  }

  /** Runs the periodic check every `intervalMs` (0: never), on the leader only. */
  run(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.d.logger.info({ interval: intervalMs }, 'enabled corruption checking');
    this.timer = setInterval(() => {
      if (!this.d.isLeader() || this.checking) return;
      this.checking = true;
      void this.check().finally(() => (this.checking = false));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One pass of etcd's checkHashKV. */
  async check(): Promise<void> {
    const d = this.d;
    const first = d.localHash();
    if (!first.ok) return;
    const peers = await d.peerHashes(first.value.revision);
    if (!(await d.caughtUp())) return;
    const second = d.localHash();
    if (!second.ok) return;
    const { hash: h, revision: rev, compactRevision: crev } = first.value;
    const { hash: h2, revision: rev2, compactRevision: crev2 } = second.value;
    let alarmed = false;
    const mismatch = (id: bigint, why: string, fields: Record<string, unknown>): void => {
      d.logger.warn({ remotePeerId: hex(id), ...fields }, why);
      if (alarmed) return;
      alarmed = true;
      void d.raiseCorrupt(id);
    };
    if (h2 !== h && rev2 === rev && crev === crev2) mismatch(d.memberId, 'found hash mismatch', { hash: h, hash2: h2, revision: rev, compactRevision: crev });
    let checked = 0;
    for (const p of peers) {
      if (p.hash === undefined) continue;
      checked++;
      const r = p.hash;
      if (r.revision > rev2) mismatch(p.memberId, "revision from follower must be less than or equal to leader's", { leaderRevision: rev2, followerRevision: r.revision });
      if (r.compactRevision > crev2) {
        mismatch(p.memberId, "compact revision from follower must be less than or equal to leader's", { leaderCompactRevision: crev2, followerCompactRevision: r.compactRevision });
      }
      if (r.compactRevision === crev && r.hash !== h) {
        mismatch(p.memberId, 'same compact revision then hashes must match', { leaderHash: h, followerHash: r.hash, compactRevision: crev });
      }
    }
    d.logger.info({ numberOfPeersChecked: checked }, 'finished peer corruption check');
  }
}
