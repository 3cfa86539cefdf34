import { afterEach, describe, expect, it, vi } from 'vitest';
import { memberId } from '../cluster/ids.js';
import type { Member } from '../cluster/member-store.js';
import type { ConfChange } from '../raft/index.js';
import { ok } from './errors.js';
import { MemberAdmin } from './member-admin.js';

const started = (id: bigint, port: number): Member => ({
  id,
  name: `m${id}`,
  peerUrls: [`http://127.0.0.1:${port}`],
  clientUrls: [`http://127.0.0.1:${port + 1}`],
  isLearner: false,
});

function admin(members: Member[], removed: bigint[], strictReconfigCheck?: boolean) {
  const proposed: ConfChange[] = [];
  const a = new MemberAdmin({
    memberId: 1n,
    members: {
      list: () => [...members],
      get: (id) => members.find((m) => m.id === id),
      isRemoved: (id) => removed.includes(id),
    },
    consensus: { status: () => ({ id: 1n, leader: 1n, term: 2, lastIndex: 9, commitIndex: 9 }), progress: () => Promise.resolve(undefined) },
    proposer: {
      changeMembership: (build) => {
        proposed.push(build(99n));
        return Promise.resolve(ok({ revision: 1, value: { type: 'members' } }));
      },
    },
    writes: { memberUpdate: () => Promise.resolve(ok({ revision: 1, value: { type: 'members' } })) },
    forwarder: { promote: () => Promise.reject(new Error('not used')) },
    strictReconfigCheck,
  });
  return { a, proposed };
}

describe('MemberAdmin.add', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("derives the ID as etcd's MemberAdd does: peer URLs and the second, no cluster name", async () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-12-03T06:35:46.500Z'));
    const { a, proposed } = admin([started(1n, 2380), started(2n, 2390)], []);
    const r = await a.add(['http://127.0.0.1:2400'], false);
    const id = memberId(['http://127.0.0.1:2400'], '', Date.parse('2026-12-03T06:35:46Z'));
    expect(r.ok && r.value.member.id).toBe(id);
    expect(proposed.map((c) => [c.type, c.nodeId])).toEqual([['addNode', id]]);
  });

  it("the peer URLs of a removed member, re-added within the second that gave it its ID: etcd's 'member not found'", async () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-12-03T06:35:46.900Z'));
    const urls = ['http://127.0.0.1:2400'];
    const removedId = memberId(urls, '', Date.now());
    const { a, proposed } = admin([started(1n, 2380), started(2n, 2390)], [removedId]);
    expect(await a.add(urls, true)).toEqual({ ok: false, error: { kind: 'member_not_found' } });
    expect(proposed).toEqual([]);
    // A second later the ID is a new one, and the add goes through.
    vi.setSystemTime(new Date('2026-12-03T06:35:47.100Z'));
    const r = await a.add(urls, true);
    expect(r.ok).toBe(true);
    expect(proposed).toHaveLength(1);
  });
});

describe('--strict-reconfig-check', () => {
  // Two started voters and one added but never started: a third voter would leave 2 of 4 started.
  const unstarted: Member = { id: 3n, name: '', peerUrls: ['http://127.0.0.1:2420'], clientUrls: [], isLearner: false };
  const members = (): Member[] => [started(1n, 2380), started(2n, 2390), unstarted];

  it("on (etcd's default): an add or remove that would leave too few started voters fails with etcd's error", async () => {
    for (const strict of [undefined, true]) {
      const { a, proposed } = admin(members(), [], strict);
      expect(await a.add(['http://127.0.0.1:2430'], false)).toEqual({ ok: false, error: { kind: 'not_enough_started_members' } });
      expect(await a.remove(2n)).toEqual({ ok: false, error: { kind: 'not_enough_started_members' } });
      expect(proposed).toEqual([]);
    }
  });

  it('off: the same changes are proposed', async () => {
    const { a, proposed } = admin(members(), [], false);
    expect((await a.add(['http://127.0.0.1:2430'], false)).ok).toBe(true);
    expect((await a.remove(2n)).ok).toBe(true);
    expect(proposed.map((c) => c.type)).toEqual(['addNode', 'removeNode']);
  });
});
