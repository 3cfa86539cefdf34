import { describe, expect, it } from 'vitest';
import { InternalRequest } from '../gen/raftkvpb.js';
import type { ProposeError } from './consensus.js';
import { ok } from './errors.js';
import { IdGenerator } from './id-generator.js';
import { Proposer, type ProposalSink } from './proposer.js';

/** Records what is proposed; `newLeader()` plays a leader change. */
class FakeSink implements ProposalSink {
  readonly sent: Uint8Array[] = [];
  private readonly listeners: (() => void)[] = [];
  propose(data: Uint8Array): Promise<ProposeError | undefined> {
    this.sent.push(data);
    return Promise.resolve(undefined);
  }
  proposeConfChange(): Promise<ProposeError | undefined> {
    return Promise.resolve(undefined);
  }
  waitForLeader(): Promise<boolean> {
    return Promise.resolve(true);
  }
  onNewLeader(listener: () => void): void {
    this.listeners.push(listener);
  }
  newLeader(): void {
    for (const l of this.listeners) l();
  }
}

function proposer(sink: FakeSink): Proposer {
  return new Proposer({ sink, ids: new IdGenerator(1n), maxRequestBytes: 1 << 20, timeoutMs: 5000, admits: () => true });
}

describe('proposer', () => {
  it('proposes a waiting write again, with the same request ID, when a new leader is known', async () => {
    const sink = new FakeSink();
    const p = proposer(sink);
    const pending = p.propose({ put: { key: Buffer.from('k'), value: Buffer.from('v') } }, true);
    await new Promise((r) => setImmediate(r));
    expect(sink.sent).toHaveLength(1);
    sink.newLeader();
    expect(sink.sent).toHaveLength(2);
    expect(Buffer.from(sink.sent[1] ?? [])).toEqual(Buffer.from(sink.sent[0] ?? []));
    const id = InternalRequest.decode(sink.sent[0] ?? new Uint8Array()).ID;
    p.settle(id, ok({ revision: 2, value: { type: 'compact' } }));
    expect(await pending).toEqual(ok({ revision: 2, value: { type: 'compact' } }));
    sink.newLeader();
    expect(sink.sent).toHaveLength(2); // answered: nothing left to propose again
  });
});

describe('proposer with the CORRUPT alarm raised', () => {
  it("refuses what etcd's corrupt applier refuses, and still proposes the rest", async () => {
    const sink = new FakeSink();
    const p = new Proposer({ sink, ids: new IdGenerator(1n), maxRequestBytes: 1 << 20, timeoutMs: 5000, admits: () => true, corrupt: () => true });
    const refused = [
      { put: { key: Buffer.from('k'), value: Buffer.from('v') } },
      { delete_range: { key: Buffer.from('k') } },
      { txn: {} },
      { compaction: { revision: 1 } },
      { lease_grant: { TTL: 5 } },
      { lease_revoke: { ID: 1n } },
    ];
    for (const r of refused) expect(await p.propose(r, false)).toEqual({ ok: false, error: { kind: 'corrupt' } });
    expect(sink.sent).toHaveLength(0);
    void p.propose({ alarm: { action: 0, memberID: 1n, alarm: 0 } }, false);
    await new Promise((r) => setImmediate(r));
    expect(sink.sent).toHaveLength(1);
    p.stop();
  });
});
