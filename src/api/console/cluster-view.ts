// The cluster as the console shows it: every member's Maintenance.Status, asked in parallel (a
// member that does not answer within the status deadline is listed as unreachable), joined with
// the membership and alarms this member has applied and the leader this member's Raft knows.
import type { Member } from '../../cluster/member-store.js';
import type * as rpc from '../../gen/etcdserverpb.js';
import type { Result } from '../../mvcc/types.js';
import type { MemberView, ClusterView } from './api-types.js';
export type { MemberView, ClusterView } from './api-types.js';

/** What the view is made of, handed in by the composition root. */
export interface ClusterSource {
  memberId: bigint;
  members(): Member[];
  /** This member's Raft: the leader it follows (0n for none) and its term. */
  raft(): { leader: bigint; term: number };
  alarms(): readonly { memberId: bigint; alarm: string }[];
  /** When the current leader was elected, as this member saw it. */
  leaderSince(): number | null;
  status(m: Member): Promise<Result<rpc.StatusResponse, string>>;
}

const hex = (id: bigint): string => id.toString(16);

export async function clusterView(src: ClusterSource): Promise<ClusterView> {
  const members = src.members();
  const statuses = await Promise.all(members.map((m) => src.status(m)));
  const raft = src.raft();
  const alarms = src.alarms();
  const leaderStatus = statuses.find((s, i) => s.ok && members[i]!.id === raft.leader);
  const reached = statuses.flatMap((s) => (s.ok ? [s.value] : []));
  // Without an answer from the leader, the highest commit index seen stands in for its own.
  const leaderCommit = leaderStatus?.ok === true ? leaderStatus.value.raftIndex : Math.max(0, ...reached.map((s) => s.raftIndex));
  const views = members.map((m, i): MemberView => {
    const s = statuses[i]!;
    const base = {
      id: hex(m.id),
      name: m.name,
      alarms: alarms.filter((a) => a.memberId === m.id).map((a) => a.alarm),
      clientURLs: m.clientUrls,
      peerURLs: m.peerUrls,
    };
    if (!s.ok) {
      return { ...base, role: 'unreachable', term: 0, commitIndex: 0, appliedIndex: 0, lag: 0, dbSize: 0, dbSizeInUse: 0, version: '', error: s.error };
    }
    const st = s.value;
    const role = m.isLearner || st.isLearner ? 'learner' : m.id === raft.leader ? 'leader' : 'follower';
    return {
      ...base,
      role,
      term: st.raftTerm,
      commitIndex: st.raftIndex,
      appliedIndex: st.raftAppliedIndex,
      lag: Math.max(0, leaderCommit - st.raftAppliedIndex),
      dbSize: st.dbSize,
      dbSizeInUse: st.dbSizeInUse,
      version: st.version,
    };
  });
  return {
    at: Date.now(),
    memberId: hex(src.memberId),
    leaderId: hex(raft.leader),
    term: raft.term,
    leaderSince: raft.leader === 0n ? null : src.leaderSince(),
    members: views,
  };
}
