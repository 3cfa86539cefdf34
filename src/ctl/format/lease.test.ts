import { describe, expect, it } from 'vitest';
import type * as rpc from '../../gen/etcdserverpb.js';
import {
  grantJson,
  grantText,
  keepAliveText,
  leaseHex,
  leasesJson,
  leasesText,
  revokeText,
  timeToLiveJson,
  timeToLiveText,
} from './lease.js';

const header: rpc.ResponseHeader = { cluster_id: 1295049836938912766n, member_id: 11143160147576197431n, revision: 31, raft_term: 2 };
const ID = 0x1137a2149a5f9e13n;

describe('lease output', () => {
  it('formats IDs as 16 hex digits', () => {
    expect(leaseHex(ID)).toBe('1137a2149a5f9e13');
    expect(leaseHex(0x2an)).toBe('000000000000002a');
  });

  it('grant', () => {
    const r: rpc.LeaseGrantResponse = { header, ID, TTL: 60, error: '' };
    expect(grantText(r)).toBe('lease 1137a2149a5f9e13 granted with TTL(60s)');
    expect(grantJson({ ...r, TTL: 30 })).toBe(
      '{"cluster_id":1295049836938912766,"member_id":11143160147576197431,"revision":31,"raft_term":2,"ID":1240638431736864275,"TTL":30,"Error":""}',
    );
  });

  it('revoke and keep-alive', () => {
    expect(revokeText(ID)).toBe('lease 1137a2149a5f9e13 revoked');
    expect(keepAliveText({ header, ID, TTL: 60 })).toBe('lease 1137a2149a5f9e13 keepalived with TTL(60)');
  });

  it('timetolive, with keys and expired', () => {
    const r: rpc.LeaseTimeToLiveResponse = {
      header,
      ID,
      TTL: 58,
      grantedTTL: 60,
      keys: [Buffer.from('/lease/k1'), Buffer.from('/lease/k2')],
    };
    expect(timeToLiveText(r, false)).toBe('lease 1137a2149a5f9e13 granted with TTL(60s), remaining(58s)');
    expect(timeToLiveText(r, true)).toBe(
      'lease 1137a2149a5f9e13 granted with TTL(60s), remaining(58s), attached keys([/lease/k1 /lease/k2])',
    );
    expect(timeToLiveJson(r)).toBe(
      '{"cluster_id":1295049836938912766,"member_id":11143160147576197431,"revision":31,"raft_term":2,' +
        '"id":1240638431736864275,"ttl":58,"granted-ttl":60,"keys":["L2xlYXNlL2sx","L2xlYXNlL2sy"]}',
    );
    expect(timeToLiveText({ header, ID, TTL: -1, grantedTTL: 0, keys: [] }, true)).toBe('lease 1137a2149a5f9e13 already expired');
  });

  it('list', () => {
    const r: rpc.LeaseLeasesResponse = { header, leases: [{ ID }] };
    expect(leasesText(r)).toEqual(['found 1 leases', '1137a2149a5f9e13']);
    expect(leasesJson(r)).toBe(
      '{"cluster_id":1295049836938912766,"member_id":11143160147576197431,"revision":31,"raft_term":2,"leases":[{"id":1240638431736864275}]}',
    );
    expect(leasesJson({ header, leases: [] })).toContain('"leases":[]');
  });
});
