// The shapes of /ui/api/* answers (CONSOLE-CONTRACT.md) and of the JSON gateway answers the console reads.

export interface ConsoleConfig {
  readOnly: boolean;
  authEnabled: boolean;
  memberId: string;
  name: string;
  version: string;
}

export type MemberRole = 'leader' | 'follower' | 'learner' | 'unreachable';

export interface MemberView {
  id: string;
  name: string;
  role: MemberRole;
  term: number;
  commitIndex: number;
  appliedIndex: number;
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

export interface LeaderEvent {
  at: number;
  term: number;
  leaderId: string;
  kind: 'elected' | 'lost' | 'election';
}

export interface MetricsSample {
  at: number;
  writesPerSec: number;
  readsPerSec: number;
  fsyncMs: number;
  applyMs: number;
  watchers: number;
}

export interface TreeChild {
  name: string;
  prefix: string;
  count: number;
  isKey: boolean;
}

export interface TreeView {
  prefix: string;
  revision: number;
  children: TreeChild[];
  truncated: boolean;
}

export interface KeyVersion {
  modRevision: number;
  createRevision: number;
  version: number;
  lease: string;
  value: string;
  deleted: boolean;
}

export interface HistoryView {
  key: string;
  compactRevision: number;
  versions: KeyVersion[];
}

export interface LeaseView {
  id: string;
  ttl: number;
  grantedTtl: number;
  keys: string[];
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

/** A key-value as the gateway writes it: bytes base64, int64 as strings, zero fields left out. */
export interface GatewayKv {
  key?: string;
  value?: string;
  create_revision?: string;
  mod_revision?: string;
  version?: string;
  lease?: string;
}

export interface GatewayEvent {
  type?: 'PUT' | 'DELETE';
  kv?: GatewayKv;
}

export interface GatewayPermission {
  permType?: 'READ' | 'WRITE' | 'READWRITE';
  key?: string;
  range_end?: string;
}
