import { describe, expect, it } from 'vitest';
import type { Member } from '../../cluster/member-store.js';
import type * as rpc from '../../gen/etcdserverpb.js';
import { clusterView, type ClusterSource } from './cluster-view.js';

const member = (id: bigint, name: string, isLearner = false): Member => ({ id, name, isLearner, clientUrls: [`http://${name}:2379`], peerUrls: [`http://${name}:2380`] });
const status = (s: Partial<rpc.StatusResponse>): rpc.StatusResponse => ({
  header: undefined, version: '3.4.23', dbSize: 100, leader: 1n, raftIndex: 0, raftTerm: 4, raftAppliedIndex: 0, errors: [], dbSizeInUse: 50, isLearner: false, ...s,
});

describe('clusterView', () => {
  it('joins statuses with membership, alarms and the leader: roles, lag behind the leader, unreachable members', async () => {
    const statuses = new Map<bigint, rpc.StatusResponse | string>([
      [1n, status({ raftIndex: 20, raftAppliedIndex: 20 })],
      [2n, status({ raftIndex: 18, raftAppliedIndex: 15 })],
      [3n, 'context deadline exceeded'],
      [4n, status({ raftIndex: 20, raftAppliedIndex: 12, isLearner: true })],
    ]);
    const src: ClusterSource = {
      memberId: 2n,
      members: () => [member(1n, 'a'), member(2n, 'b'), member(3n, 'c'), member(4n, 'd', true)],
      raft: () => ({ leader: 1n, term: 4 }),
      alarms: () => [{ memberId: 2n, alarm: 'NOSPACE' }],
      leaderSince: () => 1234,
      status: (m) => {
        const s = statuses.get(m.id)!;
        return Promise.resolve(typeof s === 'string' ? { ok: false, error: s } : { ok: true, value: s });
      },
    };
    const v = await clusterView(src);
    expect(v).toMatchObject({ memberId: '2', leaderId: '1', term: 4, leaderSince: 1234 });
    expect(v.members.map((m) => [m.name, m.role, m.lag, m.alarms, m.error])).toEqual([
      ['a', 'leader', 0, [], undefined],
      ['b', 'follower', 5, ['NOSPACE'], undefined],
      ['c', 'unreachable', 0, [], 'context deadline exceeded'],
      ['d', 'learner', 8, [], undefined],
    ]);
    expect(v.members[1]).toMatchObject({ id: '2', term: 4, commitIndex: 18, appliedIndex: 15, dbSize: 100, dbSizeInUse: 50, version: '3.4.23', clientURLs: ['http://b:2379'], peerURLs: ['http://b:2380'] });
  });

  it('has no leaderSince without a leader', async () => {
    const v = await clusterView({
      memberId: 1n,
      members: () => [member(1n, 'a')],
      raft: () => ({ leader: 0n, term: 7 }),
      alarms: () => [],
      leaderSince: () => 99,
      status: () => Promise.resolve({ ok: true, value: status({ leader: 0n }) }),
    });
    expect(v.leaderId).toBe('0');
    expect(v.leaderSince).toBeNull();
    expect(v.members[0]?.role).toBe('follower');
  });
});
