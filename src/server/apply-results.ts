import type { DeleteRangeResult, PutResult, TxnResult } from '../mvcc/types.js';
import type { ServerResult } from './errors.js';

// What applying one committed request produced, handed back to the proposer that waits for it.
export type AppliedValue =
  | { type: 'put'; put: PutResult }
  | { type: 'delete'; deleteRange: DeleteRangeResult }
  | { type: 'txn'; txn: TxnResult }
  | { type: 'compact' }
  | { type: 'lease_grant'; id: bigint; ttl: number }
  | { type: 'lease_revoke' }
  | { type: 'alarm'; alarms: AlarmEntry[] }
  | { type: 'members' }
  /** An auth change; `token` is set for an authenticate entry. */
  | { type: 'auth'; token: string };

export interface Applied {
  /** The store revision right after this request. */
  revision: number;
  value: AppliedValue;
}

export type ApplyResult = ServerResult<Applied>;

export type AlarmType = 'NOSPACE' | 'CORRUPT';

export interface AlarmEntry {
  memberId: bigint;
  alarm: AlarmType;
}
