import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { AuthStore } from '../auth/auth-store.js';
import { exportEtcdBackendOffThread } from '../etcd-backend/export-thread.js';
import { canAdmin } from '../auth/guard.js';
import * as rpc from '../gen/etcdserverpb.js';
import type { MvccStore } from '../mvcc/store.js';
import type { Alarms } from '../server/alarms.js';
import type { AlarmEntry } from '../server/apply-results.js';
import type { ConsensusStatus } from '../server/consensus.js';
import type { LeaderTransfer } from '../server/leader-transfer.js';
import type { Writes } from '../server/writes.js';
import { fromServerError, toStatus, type EtcdError } from './errors.js';
import { reject, reply, credentialsOf, unary, type Reply } from './handler.js';
import { makeHeader, type HeaderSource } from './header.js';
import { ETCD_RELEASE } from '../version.js';

/** The etcd release whose client API this server speaks; clients read it from Status. */
export const API_VERSION = ETCD_RELEASE;
const SNAPSHOT_CHUNK = 32 * 1024;

function toAlarmMember(a: AlarmEntry): rpc.AlarmMemberInit {
  return { memberID: a.memberId, alarm: a.alarm === 'NOSPACE' ? rpc.AlarmType.NOSPACE : rpc.AlarmType.CORRUPT };
}

/** The state database as maintenance sees it. */
export interface StateDatabase {
  size(): number;
  sizeInUse(): number;
  /** Blocks this member's requests while it runs, as etcd's defrag does; never consensus. */
  defragment(): void;
  /** Writes a consistent copy to `path` off this thread. */
  copyTo(path: string): Promise<void>;
}

export interface MaintenanceDeps {
  header: HeaderSource;
  auth: AuthStore;
  alarms: Pick<Alarms, 'list'>;
  writes: Pick<Writes, 'alarm'>;
  status: () => ConsensusStatus & { applied: number; isLearner: boolean };
  store: Pick<MvccStore, 'hash' | 'hashKV'>;
  db: StateDatabase;
  leaderTransfer: Pick<LeaderTransfer, 'move'>;
}

// etcdserverpb.Maintenance.
export function maintenanceService(d: MaintenanceDeps, logger: Logger): rpc.MaintenanceHandlers {
  // etcd 3.4 wants the root role for Defragment, Hash, HashKV and Snapshot once auth is on, and
  // answers others with its auth package's raw error (gRPC code Unknown, "auth: ..."); Alarm,
  // Status and MoveLeader are open.
  const admin = (meta: grpc.Metadata): EtcdError | undefined => {
    const denied = canAdmin(d.auth, credentialsOf(meta));
    if (denied === undefined) return undefined;
    return { code: grpc.status.UNKNOWN, message: fromServerError(denied).message.replace(/^etcdserver: /, 'auth: ') };
  };

  // etcd 3.4 answers Alarm and Defragment without a response header (its gateway shows `{}`).
  async function alarm(req: rpc.AlarmRequest): Promise<Reply<rpc.AlarmResponseInit>> {
    if (req.action === rpc.AlarmRequest_AlarmAction.GET) {
      return reply({ alarms: d.alarms.list().map(toAlarmMember) });
    }
    const r = await d.writes.alarm(req);
    if (!r.ok) return reject(r.error);
    const v = r.value.value;
    return reply({ alarms: v.type === 'alarm' ? v.alarms.map(toAlarmMember) : [] });
  }

  async function status(): Promise<Reply<rpc.StatusResponseInit>> {
    const s = d.status();
    return reply({
      header: makeHeader(d.header),
      version: API_VERSION,
      dbSize: d.db.size(),
      leader: s.leader,
      raftIndex: s.commitIndex,
      raftTerm: s.term,
      raftAppliedIndex: s.applied,
      errors: d.alarms.list().map((a) => `memberID:${a.memberId} alarm:${a.alarm} `),
      dbSizeInUse: d.db.sizeInUse(),
      isLearner: s.isLearner,
    });
  }

  async function defragment(_req: unknown, meta: grpc.Metadata): Promise<Reply<rpc.DefragmentResponseInit>> {
    const denied = admin(meta);
    if (denied !== undefined) return reject(denied);
    d.db.defragment();
    return reply({});
  }

  async function hash(_req: unknown, meta: grpc.Metadata): Promise<Reply<rpc.HashResponseInit>> {
    const denied = admin(meta);
    if (denied !== undefined) return reject(denied);
    return reply({ header: makeHeader(d.header), hash: d.store.hash() });
  }

  async function hashKV(req: rpc.HashKVRequest, meta: grpc.Metadata): Promise<Reply<rpc.HashKVResponseInit>> {
    const denied = admin(meta);
    if (denied !== undefined) return reject(denied);
    const r = d.store.hashKV(req.revision);
    if (!r.ok) return reject(r.error);
    // etcd reports -1 until the first compaction.
    const compacted = r.value.compactRevision === 0 ? -1 : r.value.compactRevision;
    return reply({ header: makeHeader(d.header, r.value.revision), hash: r.value.hash, compact_revision: compacted });
  }

  async function moveLeader(req: rpc.MoveLeaderRequest): Promise<Reply<rpc.MoveLeaderResponseInit>> {
    const r = await d.leaderTransfer.move(req.targetID);
    if (!r.ok) return reject(r.error);
    return reply({ header: makeHeader(d.header) });
  }

  // etcd's snapshot file: a consistent copy of the state database, converted to etcd's backend (a
  // bbolt file), both off this thread, streamed from disk in chunks under flow control and
  // followed by its SHA-256 so that restore can verify it. Real etcdctl reads and restores it.
  const snapshot: grpc.handleServerStreamingCall<rpc.SnapshotRequest, rpc.SnapshotResponseInit> = (call) => {
    const denied = admin(call.metadata);
    if (denied !== undefined) {
      // An 'error' event makes grpc-js end the call with that status; destroy() would drop the
      // stream without one, and etcdctl would wait forever.
      call.emit('error', Object.assign(new Error(denied.message), toStatus(denied)));
      return;
    }
    void streamSnapshot(call).catch((err: unknown) => {
      logger.error({ err }, 'snapshot failed');
      call.emit('error', Object.assign(new Error('snapshot failed'), toStatus({ code: grpc.status.INTERNAL, message: String(err) })));
    });
  };

  async function streamSnapshot(call: grpc.ServerWritableStream<rpc.SnapshotRequest, rpc.SnapshotResponseInit>): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'raftkv-snap-'));
    let cancelled = false;
    call.on('cancelled', () => (cancelled = true));
    try {
      const copy = join(dir, 'state.db');
      await d.db.copyTo(copy);
      const path = join(dir, 'snapshot.db');
      await exportEtcdBackendOffThread(copy, path);
      rmSync(copy, { force: true });
      const fh = await open(path, 'r');
      try {
        const size = (await fh.stat()).size;
        const digest = createHash('sha256');
        // As etcd 3.4: no response header, and the count left excludes the trailing digest.
        let sent = 0;
        while (sent < size && !cancelled) {
          const buf = Buffer.allocUnsafe(Math.min(SNAPSHOT_CHUNK, size - sent));
          const { bytesRead } = await fh.read(buf, 0, buf.length, sent);
          if (bytesRead <= 0) throw new Error(`snapshot file ended at ${sent} of ${size} bytes`);
          const chunk = buf.subarray(0, bytesRead);
          digest.update(chunk);
          sent += bytesRead;
          if (!call.write({ remaining_bytes: size - sent, blob: chunk })) {
            await new Promise<void>((resolve) => {
              call.once('drain', resolve);
              call.once('cancelled', resolve);
            });
          }
        }
        if (cancelled) return;
        call.write({ remaining_bytes: 0, blob: digest.digest() });
        call.end();
      } finally {
        await fh.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  return {
    Alarm: unary(logger, alarm),
    Status: unary(logger, status),
    Defragment: unary(logger, defragment),
    Hash: unary(logger, hash),
    HashKV: unary(logger, hashKV),
    Snapshot: snapshot,
    MoveLeader: unary(logger, moveLeader),
  };
}
