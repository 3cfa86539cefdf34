import type { MemberStore } from '../cluster/member-store.js';
import type { ApplyResult } from './apply-results.js';

const RETRY_MS = 500;

export interface PublisherOptions {
  memberId: bigint;
  name: string;
  clientUrls: string[];
  members: Pick<MemberStore, 'get'>;
  publish: (id: bigint, name: string, clientUrls: string[]) => Promise<ApplyResult>;
}

// Announces this member's name and client URLs through the log until the applied membership shows
// them, as etcd's publish does. A member is "started" for the cluster once it has published.
export class AttributePublisher {
  private stopped = false;

  constructor(private readonly o: PublisherOptions) {}

  run(): void {
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const self = this.o.members.get(this.o.memberId);
      if (self !== undefined && self.name === this.o.name && sameList(self.clientUrls, this.o.clientUrls)) return;
      const r = await this.o.publish(this.o.memberId, this.o.name, this.o.clientUrls);
      if (r.ok) return;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
