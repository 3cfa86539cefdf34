import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { AuthStore } from '../auth/auth-store.js';
import { canAdmin } from '../auth/guard.js';
import type * as rpc from '../gen/etcdserverpb.js';
import type { Member } from '../cluster/member-store.js';
import type { MemberAdmin } from '../server/member-admin.js';
import type { MembershipView } from '../server/membership-view.js';
import { credentialsOf, reject, reply, unary, type Reply } from './handler.js';
import { makeHeader, type HeaderSource } from './header.js';

export function fromMember(m: Member): rpc.MemberInit {
  return { ID: m.id, name: m.name, peerURLs: m.peerUrls, clientURLs: m.clientUrls, isLearner: m.isLearner };
}

// etcdserverpb.Cluster: membership reads and changes. etcd leaves the revision out of these headers.
// With auth on, changes need the root role (etcd 3.4's checkMembershipOperationPermission); the
// list is open.
export interface ClusterDeps {
  header: HeaderSource;
  membership: Pick<MembershipView, 'list'>;
  admin: MemberAdmin;
  auth: AuthStore;
}

export function clusterService(d: ClusterDeps, logger: Logger): rpc.ClusterHandlers {
  const header = (): rpc.ResponseHeaderInit => makeHeader(d.header, 0);
  const admin = d.admin;

  async function memberList(): Promise<Reply<rpc.MemberListResponseInit>> {
    return reply({ header: header(), members: d.membership.list().map(fromMember) });
  }

  async function memberAdd(req: rpc.MemberAddRequest, meta: grpc.Metadata): Promise<Reply<rpc.MemberAddResponseInit>> {
    const denied = canAdmin(d.auth, credentialsOf(meta));
    if (denied !== undefined) return reject(denied);
    const r = await admin.add(req.peerURLs, req.isLearner);
    if (!r.ok) return reject(r.error);
    return reply({ header: header(), member: fromMember(r.value.member), members: r.value.members.map(fromMember) });
  }

  async function memberRemove(req: rpc.MemberRemoveRequest, meta: grpc.Metadata): Promise<Reply<rpc.MemberRemoveResponseInit>> {
    const denied = canAdmin(d.auth, credentialsOf(meta));
    if (denied !== undefined) return reject(denied);
    const r = await admin.remove(req.ID);
    if (!r.ok) return reject(r.error);
    return reply({ header: header(), members: r.value.map(fromMember) });
  }

  async function memberUpdate(req: rpc.MemberUpdateRequest, meta: grpc.Metadata): Promise<Reply<rpc.MemberUpdateResponseInit>> {
    const denied = canAdmin(d.auth, credentialsOf(meta));
    if (denied !== undefined) return reject(denied);
    const r = await admin.update(req.ID, req.peerURLs);
    if (!r.ok) return reject(r.error);
    return reply({ header: header(), members: r.value.map(fromMember) });
  }

  async function memberPromote(req: rpc.MemberPromoteRequest, meta: grpc.Metadata): Promise<Reply<rpc.MemberPromoteResponseInit>> {
    const denied = canAdmin(d.auth, credentialsOf(meta));
    if (denied !== undefined) return reject(denied);
    const r = await admin.promote(req.ID);
    if (!r.ok) return reject(r.error);
    return reply({ header: header(), members: r.value.map(fromMember) });
  }

  return {
    MemberList: unary(logger, memberList),
    MemberAdd: unary(logger, memberAdd),
    MemberRemove: unary(logger, memberRemove),
    MemberUpdate: unary(logger, memberUpdate),
    MemberPromote: unary(logger, memberPromote),
  };
}
