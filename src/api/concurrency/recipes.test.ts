// The lock and election recipes over a real store and watch hub (test/support/recipe-kit.ts):
// etcd's concurrency.Mutex and Election semantics, including what a caller that goes away leaves.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recipeMember, type RecipeMember } from '../../../test/support/recipe-kit.js';
import { campaign, leader, proclaim, resign } from './election.js';
import { lock } from './mutex.js';
import { observe, type Proclamation } from './observe.js';
import type { SessionClient } from './session-client.js';
import { sessionLease } from './session.js';

const b = (s: string): Buffer => Buffer.from(s);
const never = (): AbortSignal => new AbortController().signal;

/** The keys under a prefix, oldest first. */
async function keysUnder(c: SessionClient, pfx: string): Promise<string[]> {
  const end = b(pfx);
  end[end.length - 1]! += 1;
  const r = await c.range({ key: b(pfx), range_end: end, sort_target: 2, sort_order: 1 });
  if (!r.ok) throw new Error(r.error.message);
  return (r.value.kvs ?? []).map((kv) => (kv.key ?? b('')).toString());
}

/** Lets pending callbacks run. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

/** Waits until `read` gives `want` (compared as JSON), else fails with the last value read. */
async function until<T>(read: () => Promise<T> | T, want: T): Promise<void> {
  let last: T | undefined;
  for (let i = 0; i < 500; i++) {
    last = await read();
    if (JSON.stringify(last) === JSON.stringify(want)) return;
    await settle();
  }
  expect(last).toEqual(want);
}

describe('concurrency recipes', () => {
  let m: RecipeMember;
  beforeEach(() => {
    m = recipeMember();
    m.leases.ids.add(0xa0n);
    m.leases.ids.add(0xb0n);
    m.leases.ids.add(0xc0n);
  });
  afterEach(() => m.close());

  it('lock: the first holder at once, the next after unlock, in order of arrival', async () => {
    const c = m.client();
    const a = await lock(c, b('door'), 0xa0n, never());
    expect(a.ok && a.value.key.toString()).toBe('door/a0');
    const order: string[] = [];
    const second = lock(m.client(), b('door'), 0xb0n, never()).then((r) => order.push(r.ok ? r.value.key.toString() : 'err'));
    await until(() => keysUnder(c, 'door/'), ['door/a0', 'door/b0']);
    const third = lock(m.client(), b('door'), 0xc0n, never()).then((r) => order.push(r.ok ? r.value.key.toString() : 'err'));
    await until(() => keysUnder(c, 'door/'), ['door/a0', 'door/b0', 'door/c0']);
    await settle();
    expect(order).toEqual([]);
    await c.deleteRange({ key: b('door/a0') });
    await second;
    expect(order).toEqual(['door/b0']);
    m.revoke(0xb0n); // a holder's lease ending releases the lock too
    await third;
    expect(order).toEqual(['door/b0', 'door/c0']);
  });

  it('lock: the same lease again is the same hold, with no write', async () => {
    const c = m.client();
    const first = await lock(c, b('door'), 0xa0n, never());
    const again = await lock(c, b('door'), 0xa0n, never());
    expect(first.ok && again.ok).toBe(true);
    if (!first.ok || !again.ok) return;
    expect(again.value.key).toEqual(first.value.key);
    expect(again.value.header?.revision).toBe(first.value.header?.revision);
  });

  it('lock: a waiter whose caller goes away removes its key', async () => {
    const c = m.client();
    await lock(c, b('door'), 0xa0n, never());
    const ac = new AbortController();
    const waiting = lock(m.client(), b('door'), 0xb0n, ac.signal);
    await until(() => keysUnder(c, 'door/'), ['door/a0', 'door/b0']);
    ac.abort();
    const r = await waiting;
    expect(r.ok ? 'held' : r.error.message).toBe('context canceled');
    expect(await keysUnder(c, 'door/')).toEqual(['door/a0']);
  });

  it('lock: an unknown lease is refused as etcd refuses the put', async () => {
    const r = await lock(m.client(), b('door'), 0xdeadn, never());
    expect(r.ok ? 'held' : r.error.message).toBe('etcdserver: requested lease not found');
  });

  it('session lease: 0 grants one, anything else is used as given', async () => {
    const c = m.client();
    const own = await sessionLease(c, 0n);
    expect(own.ok && m.leases.ids.has(own.value)).toBe(true);
    expect(await sessionLease(c, 0xa0n)).toEqual({ ok: true, value: 0xa0n });
  });

  it('election: campaign, proclaim, a waiting campaigner, resign, observe', async () => {
    const c = m.client();
    const seen: string[] = [];
    const ac = new AbortController();
    const observing = observe(m.client(), b('vote'), (p: Proclamation) => seen.push((p.kv.value ?? b('')).toString()), ac.signal);
    const noLeader = await leader(c, b('vote'));
    expect(noLeader.ok ? 'leader' : noLeader.error).toEqual({ code: 2, message: 'election: no leader' });

    const won = await campaign(c, b('vote'), 0xa0n, b('a'), never());
    expect(won.ok).toBe(true);
    if (!won.ok) return;
    expect(won.value.leader).toEqual({ name: b('vote'), key: b('vote/a0'), rev: won.value.header?.revision, lease: 0xa0n });
    expect((await proclaim(c, won.value.leader, b('b'))).ok).toBe(true);
    const stale = await proclaim(c, { ...won.value.leader, rev: 1 }, b('x'));
    expect(stale.ok ? 'proclaimed' : stale.error.message).toBe('election: not leader');

    let secondDone = false;
    const second = campaign(m.client(), b('vote'), 0xb0n, b('z'), never()).then((r) => {
      secondDone = true;
      return r;
    });
    await until(() => keysUnder(c, 'vote/'), ['vote/a0', 'vote/b0']);
    await settle();
    expect(secondDone).toBe(false);
    const l = await leader(c, b('vote'));
    expect(l.ok && l.value.kv.value?.toString()).toBe('b');
    const resigned = await resign(c, won.value.leader);
    expect(resigned.ok).toBe(true);
    const s = await second;
    // The winner's header is that of its entering write, from before it waited.
    expect(s.ok && s.value.header?.revision).toBe(s.ok ? s.value.leader.rev : -1);
    expect(s.ok && s.value.leader.rev).toBeLessThan(resigned.ok ? (resigned.value?.revision ?? 0) : 0);
    expect(s.ok && s.value.leader.key.toString()).toBe('vote/b0');
    // Resigning what is no longer held changes nothing and is no error.
    const again = await resign(c, won.value.leader);
    expect(again.ok && again.value?.revision).toBe(resigned.ok ? resigned.value?.revision : -1);
    await until(() => seen, ['a', 'b', 'z']);
    ac.abort();
    await observing;
  });

  it('election: the same lease campaigning again takes its entry over with the new value', async () => {
    const c = m.client();
    const first = await campaign(c, b('vote'), 0xa0n, b('a'), never());
    const again = await campaign(c, b('vote'), 0xa0n, b('b'), never());
    expect(first.ok && again.ok).toBe(true);
    if (!first.ok || !again.ok) return;
    expect(again.value.leader.rev).toBe(first.value.leader.rev);
    const l = await leader(c, b('vote'));
    expect(l.ok && l.value.kv.value?.toString()).toBe('b');
  });

  it('election: a campaigner whose caller goes away resigns', async () => {
    const c = m.client();
    await campaign(c, b('vote'), 0xa0n, b('a'), never());
    const ac = new AbortController();
    const waiting = campaign(m.client(), b('vote'), 0xb0n, b('z'), ac.signal);
    await until(() => keysUnder(c, 'vote/'), ['vote/a0', 'vote/b0']);
    ac.abort();
    const r = await waiting;
    expect(r.ok ? 'won' : r.error.message).toBe('context canceled');
    expect(await keysUnder(c, 'vote/')).toEqual(['vote/a0']);
  });
});
