import * as grpc from '@grpc/grpc-js';
import type { ServerError } from '../server/errors.js';

// etcd's client-facing errors: the gRPC status code and the exact message etcd sends.

export interface EtcdError {
  code: grpc.status;
  message: string;
}

const S = grpc.status;

export const ERR = {
  emptyKey: { code: S.INVALID_ARGUMENT, message: 'etcdserver: key is not provided' },
  keyNotFound: { code: S.INVALID_ARGUMENT, message: 'etcdserver: key not found' },
  valueProvided: { code: S.INVALID_ARGUMENT, message: 'etcdserver: value is provided' },
  leaseProvided: { code: S.INVALID_ARGUMENT, message: 'etcdserver: lease is provided' },
  tooManyOps: { code: S.INVALID_ARGUMENT, message: 'etcdserver: too many operations in txn request' },
  duplicateKey: { code: S.INVALID_ARGUMENT, message: 'etcdserver: duplicate key given in txn request' },
  invalidSortOption: { code: S.INVALID_ARGUMENT, message: 'etcdserver: invalid sort option' },
  compacted: { code: S.OUT_OF_RANGE, message: 'etcdserver: mvcc: required revision has been compacted' },
  futureRev: { code: S.OUT_OF_RANGE, message: 'etcdserver: mvcc: required revision is a future revision' },
  noSpace: { code: S.RESOURCE_EXHAUSTED, message: 'etcdserver: mvcc: database space exceeded' },
  leaseNotFound: { code: S.NOT_FOUND, message: 'etcdserver: requested lease not found' },
  leaseExist: { code: S.FAILED_PRECONDITION, message: 'etcdserver: lease already exists' },
  leaseTtlTooLarge: { code: S.OUT_OF_RANGE, message: 'etcdserver: too large lease TTL' },
  memberNotFound: { code: S.NOT_FOUND, message: 'etcdserver: member not found' },
  requestTooLarge: { code: S.INVALID_ARGUMENT, message: 'etcdserver: request is too large' },
  noLeader: { code: S.UNAVAILABLE, message: 'etcdserver: no leader' },
  corrupt: { code: S.DATA_LOSS, message: 'etcdserver: corrupt cluster' },
  notLeader: { code: S.FAILED_PRECONDITION, message: 'etcdserver: not leader' },
  notCapable: { code: S.UNAVAILABLE, message: 'etcdserver: not capable' },
  stopped: { code: S.UNAVAILABLE, message: 'etcdserver: server stopped' },
  timeout: { code: S.UNAVAILABLE, message: 'etcdserver: request timed out' },
  badLeaderTransferee: { code: S.FAILED_PRECONDITION, message: 'etcdserver: bad leader transferee' },
  memberExist: { code: S.FAILED_PRECONDITION, message: 'etcdserver: member ID already exist' },
  peerUrlExist: { code: S.FAILED_PRECONDITION, message: 'etcdserver: Peer URLs already exists' },
  memberBadUrls: { code: S.INVALID_ARGUMENT, message: 'etcdserver: given member URLs are invalid' },
  notEnoughStarted: { code: S.FAILED_PRECONDITION, message: 'etcdserver: re-configuration failed due to not enough started members' },
  memberNotLearner: { code: S.FAILED_PRECONDITION, message: 'etcdserver: can only promote a learner member' },
  learnerNotReady: { code: S.FAILED_PRECONDITION, message: 'etcdserver: can only promote a learner member which is in sync with leader' },
  tooManyLearners: { code: S.FAILED_PRECONDITION, message: 'etcdserver: too many learner members in cluster' },
  unhealthy: { code: S.UNAVAILABLE, message: 'etcdserver: unhealthy cluster' },
  authFailed: { code: S.INVALID_ARGUMENT, message: 'etcdserver: authentication failed, invalid user ID or password' },
  authNotEnabled: { code: S.FAILED_PRECONDITION, message: 'etcdserver: authentication is not enabled' },
  invalidAuthToken: { code: S.UNAUTHENTICATED, message: 'etcdserver: invalid auth token' },
  userEmpty: { code: S.INVALID_ARGUMENT, message: 'etcdserver: user name is empty' },
  userExist: { code: S.FAILED_PRECONDITION, message: 'etcdserver: user name already exists' },
  userNotFound: { code: S.FAILED_PRECONDITION, message: 'etcdserver: user name not found' },
  roleEmpty: { code: S.INVALID_ARGUMENT, message: 'etcdserver: role name is empty' },
  roleExist: { code: S.FAILED_PRECONDITION, message: 'etcdserver: role name already exists' },
  roleNotFound: { code: S.FAILED_PRECONDITION, message: 'etcdserver: role name not found' },
  roleNotGranted: { code: S.FAILED_PRECONDITION, message: 'etcdserver: role is not granted to the user' },
  permissionNotGranted: { code: S.FAILED_PRECONDITION, message: 'etcdserver: permission is not granted to the role' },
  permissionDenied: { code: S.PERMISSION_DENIED, message: 'etcdserver: permission denied' },
  rootUserNotExist: { code: S.FAILED_PRECONDITION, message: 'etcdserver: root user does not exist' },
  rootRoleNotExist: { code: S.FAILED_PRECONDITION, message: 'etcdserver: root user does not have root role' },
  invalidAuthMgmt: { code: S.INVALID_ARGUMENT, message: 'etcdserver: invalid auth management' },
  // etcd's lock and election servers return plain Go errors, which gRPC sends as Unknown.
  electionNoLeader: { code: S.UNKNOWN, message: 'election: no leader' },
  electionNotLeader: { code: S.UNKNOWN, message: 'election: not leader' },
  missingLeaderKey: { code: S.UNKNOWN, message: '"leader" field must be provided' },
  /** A call that went away while a lock or election call waited for it. */
  canceled: { code: S.CANCELLED, message: 'context canceled' },
  authOldRevision: { code: S.INVALID_ARGUMENT, message: 'etcdserver: revision of auth store is old' },
  // etcd has no gRPC status for it: it goes out as Unknown with the auth package's message.
  tokenVerifyOnly: { code: S.UNKNOWN, message: 'auth: token signing attempted with verify-only key' },
} satisfies Record<string, EtcdError>;

export function fromServerError(e: ServerError): EtcdError {
  switch (e.kind) {
    case 'compacted':
      return ERR.compacted;
    case 'future_rev':
      return ERR.futureRev;
    case 'key_not_found':
      return ERR.keyNotFound;
    case 'lease_not_found':
      return ERR.leaseNotFound;
    case 'lease_exists':
      return ERR.leaseExist;
    case 'lease_ttl_too_large':
      return ERR.leaseTtlTooLarge;
    case 'request_too_large':
      return ERR.requestTooLarge;
    case 'no_space':
      return ERR.noSpace;
    case 'no_leader':
      return ERR.noLeader;
    case 'corrupt':
      return ERR.corrupt;
    case 'not_leader':
      return ERR.notLeader;
    case 'stopped':
      return ERR.stopped;
    case 'timeout':
      return ERR.timeout;
    case 'member_not_found':
      return ERR.memberNotFound;
    case 'bad_leader_transferee':
      return ERR.badLeaderTransferee;
    case 'member_exists':
      return ERR.memberExist;
    case 'peer_url_exists':
      return ERR.peerUrlExist;
    case 'member_bad_urls':
      return ERR.memberBadUrls;
    case 'not_enough_started_members':
      return ERR.notEnoughStarted;
    case 'member_not_learner':
      return ERR.memberNotLearner;
    case 'learner_not_ready':
      return ERR.learnerNotReady;
    case 'too_many_learners':
      return ERR.tooManyLearners;
    case 'unhealthy':
      return ERR.unhealthy;
    case 'auth_failed':
      return ERR.authFailed;
    case 'auth_not_enabled':
      return ERR.authNotEnabled;
    case 'invalid_token':
      return ERR.invalidAuthToken;
    case 'user_empty':
      return ERR.userEmpty;
    case 'user_exists':
      return ERR.userExist;
    case 'user_not_found':
      return ERR.userNotFound;
    case 'role_empty':
      return ERR.roleEmpty;
    case 'role_exists':
      return ERR.roleExist;
    case 'role_not_found':
      return ERR.roleNotFound;
    case 'role_not_granted':
      return ERR.roleNotGranted;
    case 'permission_not_granted':
      return ERR.permissionNotGranted;
    case 'permission_denied':
      return ERR.permissionDenied;
    case 'root_user_not_exist':
      return ERR.rootUserNotExist;
    case 'root_role_not_exist':
      return ERR.rootRoleNotExist;
    case 'invalid_auth_mgmt':
      return ERR.invalidAuthMgmt;
    case 'auth_old_revision':
      return ERR.authOldRevision;
    case 'token_verify_only':
      return ERR.tokenVerifyOnly;
    case 'forwarded':
      return { code: e.code, message: e.message };
  }
}

/** An error as a Go server sends a plain (non-status) error: code Unknown, the message kept. */
export function asUnknown(e: EtcdError): EtcdError {
  return { code: S.UNKNOWN, message: e.message };
}

/** The error object grpc-js sends: status code plus etcd's message as the details. */
export function toStatus(e: EtcdError): Partial<grpc.StatusObject> {
  return { code: e.code, details: e.message, metadata: new grpc.Metadata() };
}
