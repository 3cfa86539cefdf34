import * as rpc from '../gen/etcdserverpb.js';
import type { Logger } from 'pino';
import type { Alarms } from './alarms.js';
import type { ApplyResult } from './apply-results.js';

export interface QuotaOptions {
  memberId: bigint;
  /** Bytes; the NOSPACE alarm goes up beyond it. */
  quota: number;
  size: () => number;
  alarms: Pick<Alarms, 'has'>;
  raise: (req: rpc.AlarmRequest) => Promise<ApplyResult>;
  logger: Logger;
}

// etcd's backend quota: once the database outgrows it, the NOSPACE alarm is proposed, and the
// cluster takes no more writes that grow the store until an operator disarms it.
export class QuotaGuard {
  constructor(private readonly o: QuotaOptions) {}

  /** Called after each applied batch. */
  check(): void {
    const o = this.o;
    if (o.alarms.has('NOSPACE') || o.size() <= o.quota) return;
    o.logger.warn({ quota: o.quota }, 'database space exceeded; raising NOSPACE alarm');
    void o.raise({ action: rpc.AlarmRequest_AlarmAction.ACTIVATE, memberID: o.memberId, alarm: rpc.AlarmType.NOSPACE });
  }
}
