// The shapes of the console's /ui/api/* answers: written by the server (src/api/console/), read by
// the browser app (src/console/web/), which imports these types only. No imports here, so both
// the Node and the DOM typecheck take this file as it is.

export interface MemberView {
  id: string;
  name: string;
  role: 'leader' | 'follower' | 'learner' | 'unreachable';
  term: number;
  commitIndex: number;
  appliedIndex: number;
  /** The leader's commit index minus this member's applied index. */
  lag: number;
  dbSize: number;
  dbSizeInUse: number;
  alarms: string[];
  version: string;
  clientURLs: string[];
  peerURLs: string[];
  error?: string;
}

export interface ClusterView {
  at: number;
  memberId: string;
  leaderId: string;
  term: number;
  leaderSince: number | null;
  members: MemberView[];
}

export interface LockEntry {
  key: string;
  lease: string;
  createRevision: number;
  value: string;
}

export interface LockGroup {
  prefix: string;
  kind: 'lock' | 'election';
  holder: LockEntry;
  waiters: LockEntry[];
}

export interface KeyVersion {
  modRevision: number;
  createRevision: number;
  version: number;
  lease: string;
  value: string;
  deleted: boolean;
}

export interface KeyHistory {
  key: string;
  compactRevision: number;
  versions: KeyVersion[];
}

export interface MetricsSample {
  at: number;
  writesPerSec: number;
  readsPerSec: number;
  fsyncMs: number;
  applyMs: number;
  watchers: number;
}

export interface ConsoleConfig {
  readOnly: boolean;
  authEnabled: boolean;
  memberId: string;
  name: string;
  version: string;
}

export interface LeaseView {
  id: string;
  ttl: number;
  grantedTtl: number;
  keys: string[];
}

export interface TreeChild {
  name: string;
  prefix: string;
  count: number;
  isKey: boolean;
}

export interface Tree {
  prefix: string;
  revision: number;
  children: TreeChild[];
  truncated: boolean;
}

export interface LeaderEvent {
  at: number;
  term: number;
  /** The leader's member ID in hex, "0" for none. */
  leaderId: string;
  /** elected: a leader for a (new) term; lost: no leader any more; election: a new term began without a leader. */
  kind: 'elected' | 'lost' | 'election';
}
