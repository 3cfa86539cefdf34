import { ConfChangeContext } from '../gen/raftkvpb.js';
import { memberId } from '../cluster/ids.js';
import type { Member, MemberStore } from '../cluster/member-store.js';
import type { ConfChange } from '../raft/index.js';
import type { ApplyResult } from './apply-results.js';
import type { Consensus } from './consensus.js';
import { fail, ok, type ServerResult } from './errors.js';
import type { LeaderForwarder } from './leader-forwarder.js';
import type { Proposer } from './proposer.js';
import type { Writes } from './writes.js';

/** etcd allows one learner at a time. */
const MAX_LEARNERS = 1;
/** A learner may be promoted once its log is this close to the leader's. */
const LEARNER_READY_FRACTION = 0.9;

function validUrls(urls: readonly string[]): boolean {
  if (urls.length === 0) return false;
  return urls.every((u) => {
    try {
      const p = new URL(u);
      return (p.protocol === 'http:' || p.protocol === 'https:') && p.port !== '' && p.pathname === '/';
    } catch {
      return false;
    }
  });
}

function started(m: Member): boolean {
  return m.name !== '';
}

/** Voting members that have started must stay a quorum of the voters after the change. */
function quorumStaysStarted(voters: readonly Member[]): boolean {
  return voters.filter(started).length >= Math.floor(voters.length / 2) + 1;
}

/**
 * For an add, etcd makes one exception: a one-member cluster may add a second voter (how a cluster
 * grows from a restored single member), although the new one has not started yet.
 */
function mayAddVoter(votersAfter: readonly Member[]): boolean {
  if (votersAfter.length === 2 && votersAfter.filter(started).length === 1) return true;
  return quorumStaysStarted(votersAfter);
}

export interface MemberAdminDeps {
  memberId: bigint;
  members: Pick<MemberStore, 'list' | 'get' | 'isRemoved'>;
  consensus: Pick<Consensus, 'status' | 'progress'>;
  proposer: Pick<Proposer, 'changeMembership'>;
  writes: Pick<Writes, 'memberUpdate'>;
  forwarder: Pick<LeaderForwarder, 'promote'>;
  /** --strict-reconfig-check (default true): refuse changes that leave too few started voters. */
  strictReconfigCheck?: boolean;
}

// The Cluster service's membership changes, with etcd's safety checks, proposed as Raft conf changes.
export class MemberAdmin {
  private readonly strict: boolean;

  constructor(private readonly s: MemberAdminDeps) {
    this.strict = s.strictReconfigCheck ?? true;
  }

  async add(peerUrls: string[], isLearner: boolean): Promise<ServerResult<{ member: Member; members: Member[] }>> {
    const s = this.s;
    if (!validUrls(peerUrls)) return fail({ kind: 'member_bad_urls' });
    const existing = s.members.list();
    // etcd derives an added member's ID from its peer URLs and the second it was added (no
    // cluster name), and checks in this order (EtcdServer.AddMember, then
    // RaftCluster.ValidateConfigurationChange).
    const id = memberId(peerUrls, '', Date.now());
    const member: Member = { id, name: '', peerUrls, clientUrls: [], isLearner };
    if (this.strict && !isLearner && !mayAddVoter([...existing.filter((m) => !m.isLearner), member])) {
      return fail({ kind: 'not_enough_started_members' });
    }
    // The same URLs re-added within the second of an earlier add get a removed member's ID back.
    if (s.members.isRemoved(id)) return fail({ kind: 'member_not_found' });
    if (existing.some((m) => m.id === id)) return fail({ kind: 'member_exists' });
    if (existing.some((m) => m.peerUrls.some((u) => peerUrls.includes(u)))) return fail({ kind: 'peer_url_exists' });
    if (isLearner && existing.filter((m) => m.isLearner).length >= MAX_LEARNERS) return fail({ kind: 'too_many_learners' });
    const r = await this.propose(isLearner ? 'addLearner' : 'addNode', member);
    if (!r.ok) return r;
    return ok({ member, members: s.members.list() });
  }

  async remove(id: bigint): Promise<ServerResult<Member[]>> {
    const s = this.s;
    const m = s.members.get(id);
    if (m === undefined) return fail({ kind: 'member_not_found' });
    if (this.strict && !m.isLearner && !quorumStaysStarted(s.members.list().filter((x) => !x.isLearner && x.id !== id))) {
      return fail({ kind: 'not_enough_started_members' });
    }
    const r = await this.propose('removeNode', m);
    if (!r.ok) return r;
    return ok(s.members.list());
  }

  async update(id: bigint, peerUrls: string[]): Promise<ServerResult<Member[]>> {
    const s = this.s;
    if (!validUrls(peerUrls)) return fail({ kind: 'member_bad_urls' });
    if (s.members.get(id) === undefined) return fail({ kind: 'member_not_found' });
    if (s.members.list().some((m) => m.id !== id && m.peerUrls.some((u) => peerUrls.includes(u)))) return fail({ kind: 'peer_url_exists' });
    const r: ApplyResult = await s.writes.memberUpdate(id, peerUrls);
    if (!r.ok) return r;
    return ok(s.members.list());
  }

  /** Promotion needs the leader's view of the learner's log, so a follower forwards it. */
  async promote(id: bigint): Promise<ServerResult<Member[]>> {
    const s = this.s;
    const m = s.members.get(id);
    if (m === undefined) return fail({ kind: 'member_not_found' });
    if (!m.isLearner) return fail({ kind: 'member_not_learner' });
    const status = s.consensus.status();
    if (status.leader === 0n) return fail({ kind: 'no_leader' });
    if (status.leader !== s.memberId) {
      const r = await s.forwarder.promote(status.leader, id);
      if (!r.ok) return r;
      return ok(s.members.list());
    }
    const progress = await s.consensus.progress();
    const leaderMatch = progress?.get(s.memberId)?.match ?? 0;
    const learnerMatch = progress?.get(id)?.match ?? 0;
    if (learnerMatch === 0 || learnerMatch < leaderMatch * LEARNER_READY_FRACTION) return fail({ kind: 'learner_not_ready' });
    const r = await this.propose('addNode', { ...m, isLearner: false });
    if (!r.ok) return r;
    return ok(s.members.list());
  }

  private async propose(type: ConfChange['type'], m: Member): Promise<ServerResult<null>> {
    const r = await this.s.proposer.changeMembership((requestId) => ({
      type,
      nodeId: m.id,
      context: ConfChangeContext.encode({
        ID: requestId,
        member: { ID: m.id, name: m.name, peerURLs: m.peerUrls, clientURLs: m.clientUrls, isLearner: m.isLearner },
      }).finish(),
    }));
    return r.ok ? ok(null) : r;
  }
}
