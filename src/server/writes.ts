import type * as rpc from '../gen/etcdserverpb.js';
import type { InternalRequestInit, RequestHeaderInit } from '../gen/raftkvpb.js';
import { MAX_LEASE_TTL } from '../lease/lessor.js';
import type { ApplyResult } from './apply-results.js';
import { fail } from './errors.js';
import type { IdGenerator } from './id-generator.js';
import type { Proposer } from './proposer.js';

// Every change a client can ask for, as the log entry that makes it. Writes that grow the store
// are refused while the NOSPACE alarm is raised; the others (deletes, compaction, revokes) are not.
// A client's write carries a `header` (who asked; auth/guard.ts headerOf) for the applier's check.
export class Writes {
  constructor(
    private readonly proposer: Pick<Proposer, 'propose'>,
    private readonly ids: IdGenerator,
  ) {}

  put(req: rpc.PutRequest, header?: RequestHeaderInit): Promise<ApplyResult> {
    return this.proposer.propose({ put: req, header }, true);
  }

  deleteRange(req: rpc.DeleteRangeRequest, header?: RequestHeaderInit): Promise<ApplyResult> {
    return this.proposer.propose({ delete_range: req, header }, false);
  }

  txn(req: rpc.TxnRequest, header?: RequestHeaderInit): Promise<ApplyResult> {
    return this.proposer.propose({ txn: req, header }, true);
  }

  compact(req: rpc.CompactionRequest): Promise<ApplyResult> {
    return this.proposer.propose({ compaction: req }, false);
  }

  leaseGrant(req: rpc.LeaseGrantRequest, minTtl: number): Promise<ApplyResult> {
    if (req.TTL > MAX_LEASE_TTL) return Promise.resolve(fail({ kind: 'lease_ttl_too_large' }));
    const id = req.ID === 0n ? this.ids.next() : req.ID;
    return this.proposer.propose({ lease_grant: { ID: id, TTL: Math.max(req.TTL, minTtl) } }, true);
  }

  leaseRevoke(id: bigint, header?: RequestHeaderInit): Promise<ApplyResult> {
    return this.proposer.propose({ lease_revoke: { ID: id }, header }, false);
  }

  alarm(req: rpc.AlarmRequest): Promise<ApplyResult> {
    return this.proposer.propose({ alarm: req }, false);
  }

  memberUpdate(id: bigint, peerUrls: string[]): Promise<ApplyResult> {
    return this.proposer.propose({ member_update: { ID: id, peerURLs: peerUrls } }, false);
  }

  /** This member's name and client URLs, announced through the log as etcd's publish does. */
  memberAttributes(id: bigint, name: string, clientUrls: string[]): Promise<ApplyResult> {
    return this.proposer.propose({ member_attributes: { ID: id, name, clientURLs: clientUrls } }, false);
  }

  /** An auth change (an `auth_*` or `authenticate` entry, built by api/auth-service.ts). */
  authChange(req: InternalRequestInit): Promise<ApplyResult> {
    return this.proposer.propose(req, false);
  }
}
