import type { Member, MemberStore } from '../cluster/member-store.js';

// The membership as this member reports it to clients: the applied member table, or right after
// joining (before this member has applied any membership) the view a peer reported.
export class MembershipView {
  constructor(
    private readonly members: Pick<MemberStore, 'list'>,
    private readonly selfId: bigint,
    private readonly joinView: readonly Member[] | undefined,
  ) {}

  list(): Member[] {
    const applied = this.members.list();
    return applied.length === 0 && this.joinView !== undefined ? [...this.joinView] : applied;
  }

  isLearner(): boolean {
    return this.list().find((m) => m.id === this.selfId)?.isLearner ?? false;
  }
}
