import type { NodeId } from './types.js';

export type VoteResult = 'won' | 'lost' | 'pending';

/**
 * The largest index that a majority of `voters` has reached, where
 * `indexOf` gives each voter's index. Used for the commit index and for
 * confirming read rounds. An empty voter set yields +Infinity (no constraint)
 * so callers must guard it.
 */
export function committedIndex(voters: ReadonlySet<NodeId>, indexOf: (id: NodeId) => number): number {
  if (voters.size === 0) return Number.POSITIVE_INFINITY;
  const idx: number[] = [];
  for (const id of voters) idx.push(indexOf(id));
  idx.sort((a, b) => b - a);
  return idx[Math.floor(voters.size / 2)];
}

export function voteResult(voters: ReadonlySet<NodeId>, votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  if (voters.size === 0) return 'won';
  const q = Math.floor(voters.size / 2) + 1;
  let granted = 0;
  let missing = 0;
  for (const id of voters) {
    const v = votes.get(id);
    if (v === undefined) missing++;
    else if (v) granted++;
  }
  if (granted >= q) return 'won';
  if (granted + missing >= q) return 'pending';
  return 'lost';
}

export function quorumSize(voters: ReadonlySet<NodeId>): number {
  return Math.floor(voters.size / 2) + 1;
}
