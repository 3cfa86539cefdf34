import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { HashKvResult } from '../mvcc/types.js';
import { CorruptionCheck, type PeerHash } from './corruption-check.js';

function checker(local: HashKvResult[], peers: PeerHash[]) {
  const raised: bigint[] = [];
  let call = 0;
  const c = new CorruptionCheck({
    memberId: 1n,
    localHash: () => ({ ok: true, value: local[Math.min(call++, local.length - 1)]! }),
    peerHashes: () => Promise.resolve(peers),
    caughtUp: () => Promise.resolve(true),
    raiseCorrupt: (id) => {
      raised.push(id);
      return Promise.resolve();
    },
    isLeader: () => true,
    logger: pino({ level: 'silent' }),
  });
  return { c, raised };
}

const at = (hash: number, revision: number, compactRevision = 0): HashKvResult => ({ hash, revision, compactRevision });

describe('initial corruption check (etcd CheckInitialHashKV)', () => {
  it('passes when every peer has the same hash, or could not answer', async () => {
    const { c } = checker([at(7, 10)], [
      { memberId: 2n, hash: at(7, 12) },
      { memberId: 3n, error: 'future_rev' },
      { memberId: 4n, error: 'connection refused' },
    ]);
    expect(await c.initial()).toBeUndefined();
  });

  it('a different hash at a different compact revision is only a warning', async () => {
    const { c } = checker([at(7, 10, 3)], [{ memberId: 2n, hash: at(9, 10, 5) }]);
    expect(await c.initial()).toBeUndefined();
  });

  it("a different hash at the same compact revision stops the member with etcd's message", async () => {
    const { c } = checker([at(7, 10, 3)], [{ memberId: 2n, hash: at(9, 10, 3) }]);
    expect(await c.initial()).toBe('1 found data inconsistency with peers');
  });
});

describe('periodic corruption check (etcd checkHashKV on the leader)', () => {
  it('raises nothing when the followers agree', async () => {
    const { c, raised } = checker([at(7, 10), at(7, 10)], [{ memberId: 2n, hash: at(7, 10) }, { memberId: 3n, hash: at(7, 9) }]);
    await c.check();
    expect(raised).toEqual([]);
  });

  it('raises CORRUPT for a follower with a different hash at the same compact revision', async () => {
    const { c, raised } = checker([at(7, 10, 2), at(7, 10, 2)], [{ memberId: 2n, hash: at(7, 10, 2) }, { memberId: 3n, hash: at(8, 10, 2) }]);
    await c.check();
    expect(raised).toEqual([3n]);
  });

  it('raises CORRUPT for a follower ahead of the leader in revision or compact revision', async () => {
    const ahead = checker([at(7, 10), at(7, 10)], [{ memberId: 2n, hash: at(7, 11) }]);
    await ahead.c.check();
    expect(ahead.raised).toEqual([2n]);
    const compactedAhead = checker([at(7, 10, 2), at(7, 10, 2)], [{ memberId: 3n, hash: at(5, 10, 4) }]);
    await compactedAhead.c.check();
    expect(compactedAhead.raised).toEqual([3n]);
  });

  it('raises CORRUPT for the leader itself when its own hash changed at the same revision', async () => {
    const { c, raised } = checker([at(7, 10), at(8, 10)], []);
    await c.check();
    expect(raised).toEqual([1n]);
  });

  it('raises one alarm per pass', async () => {
    const { c, raised } = checker([at(7, 10), at(7, 10)], [{ memberId: 2n, hash: at(1, 10) }, { memberId: 3n, hash: at(2, 10) }]);
    await c.check();
    expect(raised).toEqual([2n]);
  });
});
