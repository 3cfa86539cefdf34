import { describe, expect, it } from 'vitest';
import type { ChaosHistory } from '../history.js';
import { checkHistory, formatReport, parseHistory } from './check-all.js';

// A small run: two clients on key r/x, a watcher, a lock holder, a lease, the final state.
function history(): ChaosHistory {
  return {
    version: 1,
    meta: { seed: 1 },
    ops: [
      { type: 'write', process: 0, key: 'r/x', value: 'a', invokeMs: 0, completeMs: 5, outcome: 'ok', revision: '2' },
      { type: 'read', process: 1, key: 'r/x', value: 'a', modRevision: '2', invokeMs: 6, completeMs: 8, outcome: 'ok', revision: '2' },
      { type: 'cas', process: 0, key: 'r/x', expected: 'a', value: 'b', invokeMs: 9, completeMs: 12, outcome: 'ok', succeeded: true, revision: '3' },
      { type: 'write', process: 1, key: 'r/x', value: 'c', invokeMs: 13, completeMs: 1000, outcome: 'info', error: 'DEADLINE_EXCEEDED' },
      { type: 'read', process: 2, key: 'r/x', value: 'b', modRevision: '3', invokeMs: 14, completeMs: 15, outcome: 'ok', revision: '4' },
    ],
    watches: [
      {
        watcher: 'w1',
        segment: 0,
        key: 'r/',
        prefix: true,
        startRevision: '2',
        endRevision: '3',
        events: [
          { revision: '2', key: 'r/x', type: 'put', value: 'a' },
          { revision: '3', key: 'r/x', type: 'put', value: 'b' },
        ],
      },
      { watcher: 'w1', segment: 1, key: 'r/', prefix: true, startRevision: '4', endRevision: '3', events: [] },
    ],
    locks: [
      {
        holder: 'h1',
        lock: 'L0',
        lockKey: 'lock/L0/1',
        fencingRevision: '4',
        acquireMs: 20,
        acquireRevision: '4',
        releaseMs: 30,
        releaseRevision: '6',
        writes: [{ key: 'guarded/L0', value: 'h1-0', invokeMs: 21, completeMs: 22, outcome: 'ok', revision: '5' }],
      },
    ],
    leases: [
      {
        leaseId: '1',
        ttlMs: 2000,
        grant: { invokeMs: 0, completeMs: 1 },
        key: 'lease/0',
        attach: { invokeMs: 2, completeMs: 3 },
        keepAlives: [],
        observations: [
          { invokeMs: 100, completeMs: 101, present: true },
          { invokeMs: 5000, completeMs: 5001, present: false },
        ],
      },
    ],
    leaseParams: { electionTimeoutMs: 1000, slackMs: 500 },
    final: {
      members: ['m1', 'm2'].map((member) => ({
        member,
        revision: '6',
        kvs: [
          { key: 'r/x', value: 'b', modRevision: '3' },
          { key: 'guarded/L0', value: 'h1-0', modRevision: '5' },
        ],
      })),
      hashes: ['m1', 'm2'].map((member) => ({ member, revision: '6', hash: '42', compactRevision: '0' })),
    },
  };
}

describe('checkHistory', () => {
  it('runs every checker with input and passes a valid run', () => {
    const r = checkHistory(history());
    expect(Object.keys(r.results).sort()).toEqual(['durability', 'leases', 'linearizability', 'locks', 'revisionOrder', 'watch']);
    for (const [name, res] of Object.entries(r.results)) expect(res.errors, name).toEqual([]);
    expect(r.valid).toBe(true);
    expect(formatReport(r)).toMatch(/^overall: valid\nlinearizability: valid /);
  });

  it('survives a JSON round trip (a saved run re-checks the same)', () => {
    const h = history();
    h.final!.members[1]!.kvs[0] = { key: 'r/x', value: 'a', modRevision: '2' };
    const again = parseHistory(JSON.stringify(h));
    expect(again).toEqual(h);
    const r = checkHistory(again);
    expect(r.valid).toBe(false);
    expect(r.results.durability!.valid).toBe(false);
    expect(formatReport(r)).toMatch(/durability: INVALID[^\n]*\n {2}error: member m2 \(read at revision 6\): key "r\/x" holds "a" at mod_revision 2, older than/);
  });

  it("is 'unknown', never valid, when only a search gave up", () => {
    const h: ChaosHistory = { version: 1, ops: [] };
    for (let i = 0; i < 22; i++) h.ops!.push({ type: 'write', process: i, key: 'k', value: `v${i}`, invokeMs: 0, completeMs: 100, outcome: 'ok' });
    h.ops!.push({ type: 'read', process: 99, key: 'k', value: 'nope', invokeMs: 200, completeMs: 210, outcome: 'ok' });
    const r = checkHistory(h, { linearizability: { maxStepsPerKey: 50_000 } });
    expect(r.valid).toBe('unknown');
    expect(formatReport(r)).toMatch(/^overall: UNKNOWN/);
  });

  it('flags leases without deadline parameters', () => {
    const h = history();
    delete h.leaseParams;
    expect(checkHistory(h).results.leases!.errors[0]).toMatch(/no leaseParams/);
  });

  it('rejects malformed files', () => {
    expect(() => parseHistory('[]')).toThrow(/JSON object/);
    expect(() => parseHistory('{"version":2}')).toThrow(/unsupported history version 2/);
    expect(() => parseHistory('{"version":1,"ops":{}}')).toThrow(/"ops" must be an array/);
    expect(() => parseHistory('{"version":1,"final":{"members":[]}}')).toThrow(/"final" needs/);
  });
});
