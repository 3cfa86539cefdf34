// The shapes of /ui/api/* answers (shared with the server, src/api/console/api-types.ts) and of the
// JSON gateway answers the console reads.

export type { ConsoleConfig, MemberView, ClusterView, LeaderEvent, MetricsSample, TreeChild, KeyVersion, LeaseView, LockEntry, LockGroup } from '../../../api/console/api-types.js';
import type { KeyHistory, MemberView, Tree } from '../../../api/console/api-types.js';

export type MemberRole = MemberView['role'];
export type TreeView = Tree;
export type HistoryView = KeyHistory;

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
