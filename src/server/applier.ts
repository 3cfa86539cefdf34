import type Database from 'better-sqlite3';
import * as rpc from '../gen/etcdserverpb.js';
import { ConfChangeContext, InternalRequest } from '../gen/raftkvpb.js';
import { applyAuthRequest } from '../auth/apply-auth.js';
import type { AuthStore } from '../auth/auth-store.js';
import { checkApplied } from '../auth/request-checks.js';
import type { MemberStore } from '../cluster/member-store.js';
import { decodeConfChange } from '../raft/index.js';
import type { Lessor } from '../lease/lessor.js';
import type { MvccStore } from '../mvcc/store.js';
import type { MvccEvent } from '../mvcc/types.js';
import { appendAll } from '../util/append-all.js';
import { toDeleteRange, toPut, toTxn } from '../wire/requests.js';
import type { Alarms } from './alarms.js';
import { applyStateWriter, ensureApplyState, readApplyState, type ApplyPoint } from './apply-state.js';
import type { AlarmType, ApplyResult } from './apply-results.js';
import type { CommittedEntry } from './consensus.js';
import { fail, ok } from './errors.js';
import { RequestWindow } from './request-window.js';

export interface AppliedRequest {
  id: bigint;
  result: ApplyResult;
}

export interface BatchOutcome {
  applied: AppliedRequest[];
  events: MvccEvent[];
  revision: number;
  /** A conf change or a member update/publish was applied. */
  membersChanged: boolean;
}

const ALARM_NAME: Record<number, AlarmType | undefined> = {
  [rpc.AlarmType.NOSPACE]: 'NOSPACE',
  [rpc.AlarmType.CORRUPT]: 'CORRUPT',
};

// Applies committed entries, in index order, to the MVCC store and lessor, inside the caller's
// transaction, which also records the applied index, so state and index never disagree.
export class Applier {
  private point: ApplyPoint;
  private readonly saveApplied: (p: ApplyPoint) => void;
  private readonly recent: RequestWindow;

  constructor(
    private readonly db: Database.Database,
    private readonly store: MvccStore,
    private readonly lessor: Lessor,
    private readonly alarms: Alarms,
    private readonly members: MemberStore,
    private readonly auth: AuthStore,
  ) {
    ensureApplyState(db);
    this.saveApplied = applyStateWriter(db);
    this.point = readApplyState(db);
    this.recent = new RequestWindow(db);
    this.recent.load(this.point.index);
  }

  appliedIndex(): number {
    return this.point.index;
  }

  appliedTerm(): number {
    return this.point.term;
  }

  /** Re-reads the applied index, e.g. after a snapshot replaced the state. */
  reload(): void {
    this.point = readApplyState(this.db);
    this.recent.load(this.point.index);
  }

  applyBatch(entries: readonly CommittedEntry[]): BatchOutcome {
    const applied: AppliedRequest[] = [];
    const events: MvccEvent[] = [];
    let last = this.point;
    let membersChanged = false;
    // The caller holds the write transaction (write-batch.ts): the batch, its applied index and the
    // store's revision commit together.
    for (const entry of entries) {
      if (entry.index <= last.index) continue;
      last = { index: entry.index, term: entry.term };
      if (entry.type === 'confChange') {
        applied.push(this.applyConfChange(entry.data));
        membersChanged = true;
        continue;
      }
      if (entry.data.length === 0) continue; // a leader's empty entry
      const req = InternalRequest.decode(entry.data);
      if (req.ID !== 0n) {
        // A copy proposed again after a leader change: the first copy was applied and answered.
        if (this.recent.has(req.ID)) continue;
        this.recent.note(req.ID, entry.index);
      }
      if (req.member_attributes !== undefined || req.member_update !== undefined) membersChanged = true;
      applied.push({ id: req.ID, result: this.applyOne(req, entry.index, events) });
    }
    if (last.index !== this.point.index) this.saveApplied(last);
    this.recent.flush(last.index);
    this.store.flush();
    this.point = last;
    return { applied, events, revision: this.store.currentRevision(), membersChanged };
  }

  /** Membership changes take effect when applied, on every member at the same index. */
  private applyConfChange(data: Uint8Array): AppliedRequest {
    const cc = decodeConfChange(data);
    const ctx = cc.context === undefined ? undefined : ConfChangeContext.decode(cc.context);
    const revision = this.store.currentRevision();
    const existing = this.members.get(cc.nodeId);
    if (cc.type === 'removeNode') {
      this.members.delete(cc.nodeId);
    } else if (existing !== undefined) {
      this.members.put({ ...existing, isLearner: cc.type === 'addLearner' });
    } else {
      const m = ctx?.member;
      this.members.put({
        id: cc.nodeId,
        name: m?.name ?? '',
        peerUrls: m?.peerURLs ?? [],
        clientUrls: m?.clientURLs ?? [],
        isLearner: cc.type === 'addLearner',
      });
    }
    return { id: ctx?.ID ?? 0n, result: ok({ revision, value: { type: 'members' } }) };
  }

  private applyOne(req: InternalRequest, index: number, events: MvccEvent[]): ApplyResult {
    const store = this.store;
    // A client's entry is checked again with this member's auth state at this index.
    const denied = checkApplied(this.auth, req, (id) => store.leaseKeys(id));
    if (denied !== undefined) return fail(denied);
    const a = applyAuthRequest(this.auth, req, index);
    if (a !== undefined) return a.ok ? ok({ revision: store.currentRevision(), value: { type: 'auth', token: a.value.token } }) : fail(a.error);
    if (req.put !== undefined) {
      const r = store.put(toPut(req.put));
      if (!r.ok) return fail(r.error);
      appendAll(events, r.value.events);
      return ok({ revision: r.value.revision, value: { type: 'put', put: r.value.result } });
    }
    if (req.delete_range !== undefined) {
      const r = store.deleteRange(toDeleteRange(req.delete_range));
      if (!r.ok) return fail(r.error);
      appendAll(events, r.value.events);
      return ok({ revision: r.value.revision, value: { type: 'delete', deleteRange: r.value.result } });
    }
    if (req.txn !== undefined) {
      const r = store.txn(toTxn(req.txn));
      if (!r.ok) return fail(r.error);
      appendAll(events, r.value.events);
      return ok({ revision: r.value.revision, value: { type: 'txn', txn: r.value.result } });
    }
    if (req.compaction !== undefined) {
      const r = store.compact(req.compaction.revision);
      if (!r.ok) return fail(r.error);
      return ok({ revision: store.currentRevision(), value: { type: 'compact' } });
    }
    if (req.lease_grant !== undefined) {
      const { ID, TTL } = req.lease_grant;
      const err = this.lessor.grant(ID, TTL);
      if (err !== undefined) return fail(err);
      return ok({ revision: store.currentRevision(), value: { type: 'lease_grant', id: ID, ttl: TTL } });
    }
    if (req.lease_revoke !== undefined) {
      const id = req.lease_revoke.ID;
      if (!this.lessor.exists(id)) return fail({ kind: 'lease_not_found' });
      const r = store.revokeLease(id);
      this.lessor.revoke(id);
      appendAll(events, r.events);
      return ok({ revision: r.revision, value: { type: 'lease_revoke' } });
    }
    if (req.alarm !== undefined) {
      const { action, memberID, alarm } = req.alarm;
      const name = ALARM_NAME[alarm];
      let alarms = this.alarms.list();
      if (name !== undefined && action === rpc.AlarmRequest_AlarmAction.ACTIVATE) alarms = this.alarms.activate(memberID, name);
      if (name !== undefined && action === rpc.AlarmRequest_AlarmAction.DEACTIVATE) alarms = this.alarms.deactivate(memberID, name);
      return ok({ revision: store.currentRevision(), value: { type: 'alarm', alarms } });
    }
    if (req.member_attributes !== undefined) {
      const a = req.member_attributes;
      const m = this.members.get(a.ID);
      if (m !== undefined) this.members.put({ ...m, name: a.name, clientUrls: a.clientURLs });
      return ok({ revision: store.currentRevision(), value: { type: 'members' } });
    }
    if (req.member_update !== undefined) {
      const u = req.member_update;
      const m = this.members.get(u.ID);
      if (m === undefined) return fail({ kind: 'member_not_found' });
      this.members.put({ ...m, peerUrls: u.peerURLs });
      return ok({ revision: store.currentRevision(), value: { type: 'members' } });
    }
    // A request this version does not know (from a newer version, or corrupt). Members that know
    // it would apply it and this one would not: rather than diverge, the member stops.
    throw new Error(`raftkv: log entry ${index} (request ${req.ID.toString(16)}) holds no request this version knows; refusing to apply it`);
  }
}
