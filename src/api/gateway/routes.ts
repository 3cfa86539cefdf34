// The JSON gateway's routes: etcd 3.4's google.api.http bindings (all POST, body "*") from its
// rpc.proto, v3lock.proto and v3election.proto, resolved against our proto files.
import type protobuf from 'protobufjs';
import { messageType, serviceType } from './jsonpb.js';

export interface Route {
  /** gRPC path, e.g. /etcdserverpb.KV/Range */
  path: string;
  request: protobuf.Type;
  response: protobuf.Type;
  /** Watch and LeaseKeepAlive: the body is a sequence of requests, each sent as it arrives. */
  requestStream: boolean;
  /** Streamed responses are written as they come, one `{"result":...}` line each. */
  responseStream: boolean;
  /**
   * Whether the end of the body half-closes the call. etcd's watch server goes on sending to a
   * client that has stopped sending, so a watch lasts until the HTTP client goes away; raftkv's
   * ends the stream on half-close, so the gateway keeps Watch open instead.
   */
  halfClose: boolean;
}

const BINDINGS: ReadonlyArray<readonly [string, string, string]> = [
  ['/v3/kv/range', 'KV', 'Range'],
  ['/v3/kv/put', 'KV', 'Put'],
  ['/v3/kv/deleterange', 'KV', 'DeleteRange'],
  ['/v3/kv/txn', 'KV', 'Txn'],
  ['/v3/kv/compaction', 'KV', 'Compact'],
  ['/v3/watch', 'Watch', 'Watch'],
  ['/v3/lease/grant', 'Lease', 'LeaseGrant'],
  ['/v3/lease/revoke', 'Lease', 'LeaseRevoke'],
  ['/v3/kv/lease/revoke', 'Lease', 'LeaseRevoke'],
  ['/v3/lease/keepalive', 'Lease', 'LeaseKeepAlive'],
  ['/v3/lease/timetolive', 'Lease', 'LeaseTimeToLive'],
  ['/v3/kv/lease/timetolive', 'Lease', 'LeaseTimeToLive'],
  ['/v3/lease/leases', 'Lease', 'LeaseLeases'],
  ['/v3/kv/lease/leases', 'Lease', 'LeaseLeases'],
  ['/v3/cluster/member/add', 'Cluster', 'MemberAdd'],
  ['/v3/cluster/member/remove', 'Cluster', 'MemberRemove'],
  ['/v3/cluster/member/update', 'Cluster', 'MemberUpdate'],
  ['/v3/cluster/member/list', 'Cluster', 'MemberList'],
  ['/v3/cluster/member/promote', 'Cluster', 'MemberPromote'],
  ['/v3/maintenance/alarm', 'Maintenance', 'Alarm'],
  ['/v3/maintenance/status', 'Maintenance', 'Status'],
  ['/v3/maintenance/defragment', 'Maintenance', 'Defragment'],
  // etcd binds HashKV to this path too, but Hash's binding is the one that answers.
  ['/v3/maintenance/hash', 'Maintenance', 'Hash'],
  ['/v3/maintenance/snapshot', 'Maintenance', 'Snapshot'],
  ['/v3/maintenance/transfer-leadership', 'Maintenance', 'MoveLeader'],
  ['/v3/auth/enable', 'Auth', 'AuthEnable'],
  ['/v3/auth/disable', 'Auth', 'AuthDisable'],
  ['/v3/auth/authenticate', 'Auth', 'Authenticate'],
  ['/v3/auth/user/add', 'Auth', 'UserAdd'],
  ['/v3/auth/user/get', 'Auth', 'UserGet'],
  ['/v3/auth/user/list', 'Auth', 'UserList'],
  ['/v3/auth/user/delete', 'Auth', 'UserDelete'],
  ['/v3/auth/user/changepw', 'Auth', 'UserChangePassword'],
  ['/v3/auth/user/grant', 'Auth', 'UserGrantRole'],
  ['/v3/auth/user/revoke', 'Auth', 'UserRevokeRole'],
  ['/v3/auth/role/add', 'Auth', 'RoleAdd'],
  ['/v3/auth/role/get', 'Auth', 'RoleGet'],
  ['/v3/auth/role/list', 'Auth', 'RoleList'],
  ['/v3/auth/role/delete', 'Auth', 'RoleDelete'],
  ['/v3/auth/role/grant', 'Auth', 'RoleGrantPermission'],
  ['/v3/auth/role/revoke', 'Auth', 'RoleRevokePermission'],
  ['/v3/lock/lock', 'v3lockpb.Lock', 'Lock'],
  ['/v3/lock/unlock', 'v3lockpb.Lock', 'Unlock'],
  ['/v3/election/campaign', 'v3electionpb.Election', 'Campaign'],
  ['/v3/election/proclaim', 'v3electionpb.Election', 'Proclaim'],
  ['/v3/election/leader', 'v3electionpb.Election', 'Leader'],
  ['/v3/election/observe', 'v3electionpb.Election', 'Observe'],
  ['/v3/election/resign', 'v3electionpb.Election', 'Resign'],
];

/** `service` is package-qualified, or else one of etcdserverpb's. */
function resolve(service: string, method: string): Route {
  const full = service.includes('.') ? service : `etcdserverpb.${service}`;
  const pkg = full.slice(0, full.lastIndexOf('.'));
  const m = serviceType(full).methods[method];
  if (m === undefined) throw new Error(`no method ${full}.${method} in proto/`);
  return {
    path: `/${full}/${method}`,
    request: messageType(`${pkg}.${m.requestType}`),
    response: messageType(`${pkg}.${m.responseType}`),
    requestStream: m.requestStream === true,
    responseStream: m.responseStream === true,
    halfClose: !(service === 'Watch' && method === 'Watch'),
  };
}

const ROUTES = new Map(BINDINGS.map(([path, service, method]) => [path, resolve(service, method)]));

/** The route for a URL path; /v3beta/ is an alias of /v3/ as in etcd 3.4. */
export function routeFor(urlPath: string): Route | undefined {
  const path = urlPath.startsWith('/v3beta/') ? `/v3/${urlPath.slice('/v3beta/'.length)}` : urlPath;
  return ROUTES.get(path);
}
