import { createHash } from 'node:crypto';
import { mkdtempSync, openSync, readSync, closeSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { canAdmin } from '../auth/guard.js';
import * as rpc from '../gen/etcdserverpb.js';
import type { EtcdServer } from '../server/etcd-server.js';
import type { AlarmEntry } from '../server/apply-results.js';
import { fromServerError, toStatus, type EtcdError } from './errors.js';
import { reject, reply, tokenOf, unary, type Reply } from './handler.js';
import { makeHeader } from './header.js';

/** The etcd release whose client API this server speaks; clients read it from Status. */
export const API_VERSION = '3.4.23';
const SNAPSHOT_CHUNK = 32 * 1024;

function toAlarmMember(a: AlarmEntry): rpc.AlarmMemberInit {
  return { memberID: a.memberId, alarm: a.alarm === 'NOSPACE' ? rpc.AlarmType.NOSPACE : rpc.AlarmType.CORRUPT };
}

// etcdserverpb.Maintenance.
export function maintenanceService(server: EtcdServer, logger: Logger): rpc.MaintenanceHandlers {
  // etcd 3.4 wants the root role for Defragment, Hash, HashKV and Snapshot once auth is on, and
  // answers others with its auth package's raw error (gRPC code Unknown, "auth: ..."); Alarm,
  // Status and MoveLeader are open.
  const admin = (meta: grpc.Metadata): EtcdError | undefined => {
    const denied = canAdmin(server.auth, tokenOf(meta));
    if (denied === undefined) return undefined;
    return { code: grpc.status.UNKNOWN, message: fromServerError(denied).message.replace(/^etcdserver: /, 'auth: ') };
  };

  async function alarm(req: rpc.AlarmRequest): Promise<Reply<rpc.AlarmResponseInit>> {
    if (req.action === rpc.AlarmRequest_AlarmAction.GET) {
      return reply({ header: makeHeader(server), alarms: server.alarms.list().map(toAlarmMember) });
    }
    const r = await server.alarm(req);
    if (!r.ok) return reject(r.error);
    const v = r.value.value;
    return reply({ header: makeHeader(server, r.value.revision), alarms: v.type === 'alarm' ? v.alarms.map(toAlarmMember) : [] });
  }

  async function status(): Promise<Reply<rpc.StatusResponseInit>> {
    const s = server.consensusStatus();
    return reply({
      header: makeHeader(server),
      version: API_VERSION,
      dbSize: server.dbSize(),
      leader: s.leader,
      raftIndex: s.commitIndex,
      raftTerm: s.term,
      raftAppliedIndex: s.applied,
      errors: server.alarms.list().map((a) => `memberID:${a.memberId} alarm:${a.alarm} `),
      dbSizeInUse: server.dbSizeInUse(),
      isLearner: server.isLearner(),
    });
  }

  async function defragment(_req: unknown, meta: grpc.Metadata): Promise<Reply<rpc.DefragmentResponseInit>> {
    const denied = admin(meta);
    if (denied !== undefined) return reject(denied);
    server.defragment();
    return reply({ header: makeHeader(server) });
  }

  async function hash(_req: unknown, meta: grpc.Metadata): Promise<Reply<rpc.HashResponseInit>> {
    const denied = admin(meta);
    if (denied !== undefined) return reject(denied);
    return reply({ header: makeHeader(server), hash: server.store.hash() });
  }

  async function hashKV(req: rpc.HashKVRequest, meta: grpc.Metadata): Promise<Reply<rpc.HashKVResponseInit>> {
    const denied = admin(meta);
    if (denied !== undefined) return reject(denied);
    const r = server.store.hashKV(req.revision);
    if (!r.ok) return reject(r.error);
    // etcd reports -1 until the first compaction.
    const compacted = r.value.compactRevision === 0 ? -1 : r.value.compactRevision;
    return reply({ header: makeHeader(server, r.value.revision), hash: r.value.hash, compact_revision: compacted });
  }

  async function moveLeader(req: rpc.MoveLeaderRequest): Promise<Reply<rpc.MoveLeaderResponseInit>> {
    const r = await server.moveLeader(req.targetID);
    if (!r.ok) return reject(r.error);
    return reply({ header: makeHeader(server) });
  }

  // A consistent copy of the state database, streamed in chunks and followed by its SHA-256,
  // the layout etcd uses so that restore can verify the file.
  const snapshot: grpc.handleServerStreamingCall<rpc.SnapshotRequest, rpc.SnapshotResponseInit> = (call) => {
    const denied = admin(call.metadata);
    if (denied !== undefined) {
      call.destroy(Object.assign(new Error(denied.message), toStatus(denied)));
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'raftkv-snap-'));
    const path = join(dir, 'snapshot.db');
    try {
      server.snapshotTo(path);
      const size = statSync(path).size;
      const digest = createHash('sha256');
      const fd = openSync(path, 'r');
      const header = makeHeader(server);
      try {
        let sent = 0;
        const buf = Buffer.alloc(SNAPSHOT_CHUNK);
        while (sent < size) {
          const n = readSync(fd, buf, 0, SNAPSHOT_CHUNK, sent);
          if (n <= 0) break;
          const chunk = Buffer.from(buf.subarray(0, n));
          digest.update(chunk);
          sent += n;
          call.write({ header, remaining_bytes: size - sent + 32, blob: chunk });
        }
      } finally {
        closeSync(fd);
      }
      call.write({ header, remaining_bytes: 0, blob: digest.digest() });
      call.end();
    } catch (err) {
      logger.error({ err }, 'snapshot failed');
      call.destroy(Object.assign(new Error('snapshot failed'), toStatus({ code: 13, message: String(err) })));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

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
