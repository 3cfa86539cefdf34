import pino from 'pino';
import { describe, expect, it } from 'vitest';
import * as rpc from '../gen/etcdserverpb.js';
import { ok } from './errors.js';
import { QuotaGuard, quotaCost } from './quota.js';
import { emptyStateSize } from './state-machine.js';

const put = (key: string, value: string): rpc.PutRequestInit => ({ key: Buffer.from(key), value: Buffer.from(value) });

function guard(size: number, quota: number) {
  const raised: rpc.AlarmRequest[] = [];
  let alarm = false;
  const g = new QuotaGuard({
    memberId: 7n,
    quota,
    size: () => size,
    emptySize: 65536,
    alarms: { has: () => alarm },
    raise: (req) => {
      raised.push(req);
      alarm = true;
      return Promise.resolve(ok({ revision: 1, value: { type: 'alarm', alarms: [] } }));
    },
    logger: pino({ level: 'silent' }),
  });
  return { g, raised };
}

describe('quota', () => {
  it("costs requests as etcd's quota.go does", () => {
    expect(quotaCost({ put: put('k', 'vv') })).toBe(256 + 3);
    const txn: rpc.TxnRequestInit = {
      success: [{ request_put: put('a', '1') }, { request_range: { key: Buffer.from('a') } }],
      failure: [{ request_put: put('b', '22') }, { request_put: put('c', '3') }],
    };
    expect(quotaCost({ txn })).toBe(2 * 256 + 5);
    expect(quotaCost({ lease_grant: { ID: 1n, TTL: 5 } })).toBe(64);
    expect(quotaCost({ delete_range: { key: Buffer.from('k') } })).toBe(0);
  });

  it('measures the database beyond an empty one, so a fresh member fits a 13-page quota', () => {
    const empty = emptyStateSize();
    expect(empty).toBeGreaterThan(13 * 4096 - 1024);
    const { g, raised } = guard(empty, 13 * 4096);
    expect(g.used()).toBe(0);
    g.check();
    expect(g.admits({ put: put('1st_test', 'a'.repeat(64)) })).toBe(true);
    expect(raised).toEqual([]);
  });

  it('refuses a write that would reach the quota, and raises NOSPACE once', () => {
    const { g, raised } = guard(65536 + 50_000, 53_248);
    expect(g.admits({ delete_range: { key: Buffer.from('k') } })).toBe(true);
    expect(g.admits({ put: put('k', 'v'.repeat(4096)) })).toBe(false);
    expect(g.admits({ put: put('k', 'v') })).toBe(false);
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ memberID: 7n, action: rpc.AlarmRequest_AlarmAction.ACTIVATE, alarm: rpc.AlarmType.NOSPACE });
  });
});
