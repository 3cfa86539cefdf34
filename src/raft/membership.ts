import type { ConfChange, ConfState, NodeId } from './types.js';

/** The configuration: who votes and who only receives the log. */
export class Membership {
  readonly voters: Set<NodeId>;
  readonly learners: Set<NodeId>;

  constructor(cs: ConfState) {
    this.voters = new Set(cs.voters);
    this.learners = new Set(cs.learners.filter((id) => !this.voters.has(id)));
  }

  isVoter(id: NodeId): boolean {
    return this.voters.has(id);
  }

  isMember(id: NodeId): boolean {
    return this.voters.has(id) || this.learners.has(id);
  }

  /** Every member, voters first, each list sorted so iteration is deterministic. */
  members(): NodeId[] {
    return [...sorted(this.voters), ...sorted(this.learners)];
  }

  confState(): ConfState {
    return { voters: sorted(this.voters), learners: sorted(this.learners) };
  }

  /**
   * The configuration after a single-server change. A change that would
   * leave no voter is ignored; every node applies the same entries in the
   * same order, so every node ignores it alike.
   */
  apply(cc: ConfChange): Membership {
    const voters = new Set(this.voters);
    const learners = new Set(this.learners);
    switch (cc.type) {
      case 'addNode':
        learners.delete(cc.nodeId);
        voters.add(cc.nodeId);
        break;
      case 'addLearner':
        voters.delete(cc.nodeId);
        learners.add(cc.nodeId);
        break;
      case 'removeNode':
        voters.delete(cc.nodeId);
        learners.delete(cc.nodeId);
        break;
    }
    if (voters.size === 0) return this;
    return new Membership({ voters: [...voters], learners: [...learners] });
  }
}

function sorted(ids: Iterable<NodeId>): NodeId[] {
  return [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
