import { describe, expect, it } from 'vitest';
import type { FinalKv, FinalState, MemberHash } from '../history.js';
import { checkDurability } from './durability.js';
import type { KnownMutation } from './mutations.js';

const put = (key: string, value: string, revision?: number): KnownMutation => ({
  key,
  type: 'put',
  value,
  outcome: revision === undefined ? 'info' : 'ok',
  ...(revision !== undefined ? { revision } : {}),
  source: `put ${key}=${value}`,
});
const del = (key: string, revision?: number): KnownMutation => ({
  key,
  type: 'delete',
  outcome: revision === undefined ? 'info' : 'ok',
  ...(revision !== undefined ? { revision } : {}),
  source: `delete ${key}`,
});
const kv = (key: string, value: string, mod: number): FinalKv => ({ key, value, modRevision: String(mod) });
const hash = (member: string, h = '123'): MemberHash => ({ member, revision: '50', hash: h, compactRevision: '0' });
const final = (kvs: FinalKv[], x: Partial<FinalState> = {}): FinalState => ({
  members: ['m1', 'm2', 'm3'].map((member) => ({ member, revision: '50', kvs })),
  hashes: [hash('m1'), hash('m2'), hash('m3')],
  ...x,
});

const writes = [put('a', 'a1', 2), put('a', 'a2', 5), put('b', 'b1', 3), del('b', 7), put('c', 'c1', 4), put('c', 'c2'), put('d', 'd1', 6), del('d')];

describe('durability checker', () => {
  it('accepts the last acknowledged writes, or later indeterminate ones', () => {
    // a: last ack a2@5; b: deleted; c: an indeterminate put landed later; d: an indeterminate delete.
    const res = checkDurability(writes, final([kv('a', 'a2', 5), kv('c', 'c2', 9), kv('zzz', 'not ours', 8)]));
    expect(res.errors).toEqual([]);
    expect(res.valid).toBe(true);
    expect(res.stats).toMatchObject({ members: 3, keys: 4, acknowledgedWrites: 6, hashes: 3 });
  });

  it('rejects a lost acknowledged write: an older value', () => {
    const res = checkDurability(writes, final([kv('a', 'a1', 2), kv('c', 'c1', 4)]));
    expect(res.valid).toBe(false);
    expect(res.errors[0]).toMatch(/member m1 \(read at revision 50\): key "a" holds "a1" at mod_revision 2, older than put a=a2 at revision 5: acknowledged write lost/);
  });

  it('rejects a lost acknowledged write: the key missing without a delete', () => {
    const res = checkDurability(writes, final([kv('c', 'c1', 4)]));
    expect(res.errors[0]).toMatch(/key "a" is missing, but put a=a2 wrote "a2" at revision 5 and no later delete exists/);
  });

  it('rejects a resurrected key', () => {
    const res = checkDurability(writes, final([kv('a', 'a2', 5), kv('b', 'b1', 3), kv('c', 'c1', 4)]));
    expect(res.errors[0]).toMatch(/key "b" holds "b1" at mod_revision 3, older than delete b at revision 7: acknowledged delete lost/);
  });

  it('rejects values nobody wrote, or wrong at a known revision', () => {
    expect(checkDurability(writes, final([kv('a', 'a2', 5), kv('c', 'zz', 9)])).errors[0]).toMatch(/holds "zz" at mod_revision 9, which no write of the history put there/);
    expect(checkDurability(writes, final([kv('a', 'a9', 5), kv('c', 'c1', 4)])).errors[0]).toMatch(/holds "a9" at mod_revision 5, but that revision is put a=a2, which wrote "a2"/);
  });

  it('rejects members that differ at the same revision', () => {
    const f = final([kv('a', 'a2', 5), kv('c', 'c1', 4)]);
    f.members[2] = { member: 'm3', revision: '50', kvs: [kv('a', 'a2', 5), kv('c', 'c2', 9)] };
    const res = checkDurability(writes, f);
    expect(res.errors.join('\n')).toMatch(/members m1 and m3 differ at revision 50 on 1 key\(s\): "c": "c1"@4 vs "c2"@9/);
  });

  it('rejects HashKV disagreement', () => {
    const res = checkDurability(writes, final([kv('a', 'a2', 5), kv('c', 'c1', 4)], { hashes: [hash('m1'), hash('m2', '999'), hash('m3')] }));
    expect(res.valid).toBe(false);
    expect(res.errors[0]).toMatch(/HashKV at revision 50 differs: member m1 has 123 .*member m2 has 999/);
  });

  it('does not judge keys bound to leases', () => {
    const lockKey: KnownMutation = { key: 'lock/x', type: 'put', revision: 8, outcome: 'ok', leased: true, source: 'lock key' };
    expect(checkDurability([...writes, lockKey], final([kv('a', 'a2', 5), kv('c', 'c1', 4)])).valid).toBe(true);
  });
});
