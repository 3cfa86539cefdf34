import type { Logger } from 'pino';
import type * as rpc from '../gen/etcdserverpb.js';
import type { EtcdServer, Member } from '../server/etcd-server.js';
import { ERR } from './errors.js';
import { reject, reply, unary, type Reply } from './handler.js';
import { makeHeader } from './header.js';

export function fromMember(m: Member): rpc.MemberInit {
  return { ID: m.id, name: m.name, peerURLs: m.peerUrls, clientURLs: m.clientUrls, isLearner: m.isLearner };
}

// etcdserverpb.Cluster. Membership changes arrive with the Raft cluster; a single node lists itself.
export function clusterService(server: EtcdServer, logger: Logger): rpc.ClusterHandlers {
  async function memberList(): Promise<Reply<rpc.MemberListResponseInit>> {
    return reply({ header: makeHeader(server), members: server.members.list().map(fromMember) });
  }

  async function notCapable<T>(): Promise<Reply<T>> {
    return reject(ERR.notCapable);
  }

  return {
    MemberList: unary(logger, memberList),
    MemberAdd: unary(logger, notCapable<rpc.MemberAddResponseInit>),
    MemberRemove: unary(logger, notCapable<rpc.MemberRemoveResponseInit>),
    MemberUpdate: unary(logger, notCapable<rpc.MemberUpdateResponseInit>),
    MemberPromote: unary(logger, notCapable<rpc.MemberPromoteResponseInit>),
  };
}
