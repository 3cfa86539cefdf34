import { describe, expect, it } from 'vitest';
import { InternalRequest } from '../gen/raftkvpb.js';
import type { ProposeError } from '../server/consensus.js';
import { ok } from '../server/errors.js';
import { IdGenerator } from '../server/id-generator.js';
import type { ProposalSink } from '../server/proposer.js';
import { CountedProposer } from './counted-proposer.js';

/** Takes proposals, or refuses them for want of a leader. */
class FakeSink implements ProposalSink {
  readonly sent: Uint8Array[] = [];
  leader = true;
  propose(data: Uint8Array): Promise<ProposeError | undefined> {
    this.sent.push(data);
    return Promise.resolve(this.leader ? undefined : { kind: 'no_leader' });
  }
  proposeConfChange(): Promise<ProposeError | undefined> {
    return Promise.resolve(undefined);
  }
  waitForLeader(): Promise<boolean> {
    return Promise.resolve(this.leader);
  }
  onNewLeader(): void {}
}

const put = { put: { key: Buffer.from('k'), value: Buffer.from('v') } };

describe('CountedProposer', () => {
  it('counts proposals pending until applied, and those that fail for want of a leader', async () => {
    const sink = new FakeSink();
    const p = new CountedProposer({ sink, ids: new IdGenerator(1n), maxRequestBytes: 1 << 20, timeoutMs: 5000, admits: () => true });
    const waiting = p.propose(put, true);
    await new Promise((r) => setImmediate(r));
    expect(p.pending).toBe(1);
    p.settle(InternalRequest.decode(sink.sent[0] ?? new Uint8Array()).ID, ok({ revision: 2, value: { type: 'compact' } }));
    expect((await waiting).ok).toBe(true);
    expect([p.pending, p.failed]).toEqual([0, 0]);

    sink.leader = false;
    const refused = await p.propose(put, true);
    expect(refused).toEqual({ ok: false, error: { kind: 'no_leader' } });
    expect([p.pending, p.failed]).toEqual([0, 1]);
  });
});
