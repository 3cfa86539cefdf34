// The lock and election services through the JSON gateway (/v3/lock/*, /v3/election/*), against
// real etcd 3.4.23: the same steps go to a fresh raftkv and a fresh etcd, and each answer must be
// the same (status, grpc-gateway headers, JSON), with only member-specific values blanked.
// Leases are granted with fixed IDs so that lock and election keys (name/<lease hex>) match.
import { describe, expect, it } from 'vitest';
import { prereqs } from '../support/env.js';
import { openLineStream } from '../support/http-lines.js';
import type { NodeHandle } from '../support/node.js';
import { useEtcdAndRaftkv } from '../support/suite.js';
import { waitFor } from '../support/proc.js';

const pre = prereqs({ etcd: true });

const MEMBER_SPECIFIC = new Set(['cluster_id', 'member_id', 'raft_term']);

function blank(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(blank);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = MEMBER_SPECIFIC.has(k) ? '<member-specific>' : blank(x);
  return out;
}

/** An Observe line with its result's header revision replaced by a placeholder. */
function withoutHeaderRevision(line: Json): Json {
  const result = line['result'] as Json | undefined;
  const header = result?.['header'] as Json | undefined;
  if (result === undefined || header === undefined || !('revision' in header)) return line;
  return { ...line, result: { ...result, header: { ...header, revision: '<when sent>' } } };
}

interface Answer {
  status: number;
  contentType: string | null;
  grpcMetadata: string | null;
  trailer: string | null;
  /** Parsed JSON with member-specific values blanked, else the text. */
  body: unknown;
  /** The keys in order, as sent. */
  keys: string[] | null;
}

async function call(node: NodeHandle, path: string, body: string, signal?: AbortSignal, token?: string): Promise<Answer> {
  const headers: Record<string, string> = token === undefined ? {} : { Authorization: token };
  const res = await fetch(`${node.clientUrl}${path}`, { method: 'POST', body, headers, signal: signal ?? AbortSignal.timeout(20_000) });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = blank(JSON.parse(text));
  } catch {
    parsed = text;
  }
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    grpcMetadata: res.headers.get('grpc-metadata-content-type'),
    trailer: res.headers.get('trailer'),
    body: parsed,
    keys: text.match(/"[^"]*":/g),
  };
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const unb64 = (s: string): string => Buffer.from(s, 'base64').toString('utf8');

interface Json {
  [k: string]: unknown;
}

function field(a: Answer, ...path: string[]): unknown {
  let v: unknown = a.body;
  for (const p of path) v = (v as Json | undefined)?.[p];
  return v;
}

describe.skipIf(pre.skip)('lock and election through the JSON gateway, compared with etcd 3.4', () => {
  const nodes = useEtcdAndRaftkv(pre);

  /** The request to etcd, then raftkv (with each one's token, if any): the same answer. */
  async function same(path: string, body: string, token?: (n: NodeHandle) => string): Promise<Answer> {
    const [e, r] = nodes();
    const want = await call(e, path, body, undefined, token?.(e));
    const got = await call(r, path, body, undefined, token?.(r));
    expect(got, `${path} ${body}`).toEqual(want);
    return got;
  }

  /** How many keys there are under `pfx` on a node. */
  async function countUnder(n: NodeHandle, pfx: string): Promise<number> {
    const end = Buffer.from(pfx);
    end[end.length - 1]! += 1;
    const a = await call(n, '/v3/kv/range', JSON.stringify({ key: b64(pfx), range_end: end.toString('base64'), count_only: true }));
    return Number(field(a, 'count') ?? 0);
  }

  async function grant(id: number): Promise<void> {
    await same('/v3/lease/grant', JSON.stringify({ TTL: 60, ID: id }));
  }

  it('answers errors as etcd does: plain Go errors, so gRPC code 2 and HTTP 500', async () => {
    const noLeader = await same('/v3/election/leader', JSON.stringify({ name: b64('nobody') }));
    expect(noLeader.status).toBe(500);
    expect(noLeader.body).toEqual({ error: 'election: no leader', message: 'election: no leader', code: 2 });
    const missing = await same('/v3/election/proclaim', '{}');
    expect(field(missing, 'message')).toBe('"leader" field must be provided');
    await same('/v3/election/resign', '{}');
    const noLease = await same('/v3/lock/lock', JSON.stringify({ name: b64('l'), lease: '12345' }));
    expect(noLease.body).toEqual({
      error: 'etcdserver: requested lease not found',
      message: 'etcdserver: requested lease not found',
      code: 2,
    });
    const noKey = await same('/v3/lock/unlock', '{}');
    expect(field(noKey, 'message')).toBe('etcdserver: key is not provided');
    expect(field(noKey, 'code')).toBe(2);
    await same('/v3alpha/lock/lock', JSON.stringify({ name: b64('l') }));
  });

  it('locks: uncontended, again under the same lease, contended until unlock', async () => {
    await grant(0x1000);
    await grant(0x1001);
    const first = await same('/v3/lock/lock', JSON.stringify({ name: b64('door'), lease: String(0x1000) }));
    expect(first.status).toBe(200);
    expect(unb64(String(field(first, 'key')))).toBe('door/1000');
    // The same lease holds the lock already: the same key, no write.
    await same('/v3beta/lock/lock', JSON.stringify({ name: b64('door'), lease: String(0x1000) }));

    // A second owner waits until the first unlocks.
    const pending = nodes().map((n) => call(n, '/v3/lock/lock', JSON.stringify({ name: b64('door'), lease: String(0x1001) })));
    for (const n of nodes()) await waitFor('waiter queued', async () => ((await countUnder(n, 'door/')) === 2 ? true : undefined), 20_000);
    await same('/v3/lock/unlock', JSON.stringify({ key: b64('door/1000') }));
    const [want, got] = await Promise.all(pending);
    expect(got).toEqual(want);
    expect(unb64(String(field(got, 'key')))).toBe('door/1001');
    await same('/v3/lock/unlock', JSON.stringify({ key: b64('door/1001') }));
  });

  it('locks under a lease of its own (60 s) when given none', async () => {
    const [e, r] = nodes();
    const want = await call(e, '/v3/lock/lock', JSON.stringify({ name: b64('auto') }));
    const got = await call(r, '/v3/lock/lock', JSON.stringify({ name: b64('auto') }));
    // The key names the new lease, whose ID is member-specific.
    for (const a of [want, got]) expect(unb64(String(field(a, 'key')))).toMatch(/^auto\/[0-9a-f]+$/);
    expect({ ...got, body: { ...(got.body as Json), key: '' } }).toEqual({ ...want, body: { ...(want.body as Json), key: '' } });
    for (const [n, a] of [[e, want], [r, got]] as const) {
      const kv = await call(n, '/v3/kv/range', JSON.stringify({ key: field(a, 'key') }));
      const lease = BigInt(String(field(kv, 'kvs', '0', 'lease')));
      expect(unb64(String(field(a, 'key')))).toBe(`auto/${lease.toString(16)}`);
      const ttl = await call(n, '/v3/lease/timetolive', JSON.stringify({ ID: lease.toString() }));
      expect(field(ttl, 'grantedTTL')).toBe('60');
    }
  });

  it('a Lock whose caller goes away leaves no key behind', async () => {
    await grant(0x2000);
    await grant(0x2001);
    await same('/v3/lock/lock', JSON.stringify({ name: b64('gate'), lease: String(0x2000) }));
    for (const n of nodes()) {
      const ac = new AbortController();
      const body = JSON.stringify({ name: b64('gate'), lease: String(0x2001) });
      const waiting = call(n, '/v3/lock/lock', body, ac.signal).catch(() => 'aborted');
      await waitFor('waiter queued', async () => ((await countUnder(n, 'gate/')) === 2 ? true : undefined), 20_000);
      ac.abort();
      expect(await waiting).toBe('aborted');
      await waitFor('waiter gone', async () => ((await countUnder(n, 'gate/')) === 1 ? true : undefined), 20_000);
    }
    await same('/v3/kv/range', JSON.stringify({ key: b64('gate/'), range_end: b64('gate0') }));
  });

  it('campaigns, proclaims, observes, resigns', async () => {
    await grant(0x3000);
    await grant(0x3001);
    const name = b64('vote');
    const observers = nodes().map((n) => openLineStream(`${n.clientUrl}/v3/election/observe`, JSON.stringify({ name })));
    try {
      const won = await same('/v3/election/campaign', JSON.stringify({ name, lease: String(0x3000), value: b64('a') }));
      const leader = field(won, 'leader') as Json;
      expect(leader).toEqual({ name, key: b64('vote/3000'), rev: expect.any(String), lease: String(0x3000) });
      const l = JSON.stringify(leader);
      await same('/v3/election/leader', JSON.stringify({ name }));
      await same('/v3/election/proclaim', JSON.stringify({ leader: JSON.parse(l), value: b64('b') }));
      const stale = await same('/v3/election/proclaim', JSON.stringify({ leader: { ...leader, rev: '1' }, value: b64('c') }));
      expect(field(stale, 'message')).toBe('election: not leader');

      // A second campaigner waits for the first to resign.
      const body = JSON.stringify({ name, lease: String(0x3001), value: b64('z') });
      const pending = nodes().map((n) => call(n, '/v3/election/campaign', body));
      for (const n of nodes()) {
        await waitFor('campaigner queued', async () => ((await countUnder(n, 'vote/')) === 2 ? true : undefined), 20_000);
      }
      await same('/v3/election/resign', JSON.stringify({ leader: JSON.parse(l) }));
      const [want, got] = await Promise.all(pending);
      expect(got).toEqual(want);
      expect(field(got, 'leader', 'key')).toBe(b64('vote/3001'));
      await same('/v3beta/election/leader', JSON.stringify({ name }));
      // Resigning what is no longer held is no error.
      await same('/v3/election/resign', JSON.stringify({ leader: JSON.parse(l) }));

      // Observed: a's value, b's, then the new leader's z.
      for (const o of observers) await waitFor('three proclamations', () => (o.lines.length >= 3 ? true : undefined), 20_000);
      // An Observe answer's header revision is the store's revision when that member sent it, which
      // depends on when its read ran against the writes that followed (etcd's own does too).
      const [eo, ro] = observers.map((o) => o.lines.map((x) => blank(withoutHeaderRevision(JSON.parse(x))))) as [unknown[], unknown[]];
      expect(ro).toEqual(eo);
      expect(observers[1]?.head).toEqual(observers[0]?.head);
      expect(observers[1]?.head?.['status']).toBe(200);
      expect(ro.map((x) => unb64(String((x as { result: { kv: Json } }).result.kv['value'])))).toEqual(['a', 'b', 'z']);
    } finally {
      for (const o of observers) o.close();
    }
  });

  // Last: auth stays on. The recipes act with the caller's token, so its permissions apply.
  it('with auth on, acts with the caller\'s token and permissions', async () => {
    const steps: Array<[string, Json]> = [
      ['/v3/auth/user/add', { name: 'root', password: 'pw' }],
      ['/v3/auth/user/grant', { user: 'root', role: 'root' }],
      ['/v3/auth/role/add', { name: 'r' }],
      ['/v3/auth/role/grant', { name: 'r', perm: { permType: 'READWRITE', key: b64('safe/'), range_end: b64('safe0') } }],
      ['/v3/auth/user/add', { name: 'u', password: 'pw' }],
      ['/v3/auth/user/grant', { user: 'u', role: 'r' }],
      ['/v3/auth/enable', {}],
    ];
    for (const [path, body] of steps) await same(path, JSON.stringify(body));
    const tokens = new Map<NodeHandle, string>();
    for (const n of nodes()) {
      const a = await call(n, '/v3/auth/authenticate', JSON.stringify({ name: 'u', password: 'pw' }));
      tokens.set(n, String((a.body as Json)['token']));
    }
    const token = (n: NodeHandle): string => tokens.get(n) ?? '';
    const anonymous = await same('/v3/lock/lock', JSON.stringify({ name: b64('safe') }));
    expect(field(anonymous, 'message')).toBe('etcdserver: user name is empty');
    await grant(0x4000);
    const held = await same('/v3/lock/lock', JSON.stringify({ name: b64('safe'), lease: String(0x4000) }), token);
    expect(unb64(String(field(held, 'key')))).toBe('safe/4000');
    const denied = await same('/v3/lock/lock', JSON.stringify({ name: b64('other'), lease: String(0x4000) }), token);
    expect(field(denied, 'message')).toBe('etcdserver: permission denied');
    await same('/v3/election/leader', JSON.stringify({ name: b64('other') }), token);
    await same('/v3/election/leader', JSON.stringify({ name: b64('other') }));
    await same('/v3/election/campaign', JSON.stringify({ name: b64('safe'), lease: String(0x4000), value: b64('v') }), token);
    await same('/v3/lock/unlock', JSON.stringify({ key: b64('other/1') }), token);
    await same('/v3/lock/unlock', JSON.stringify({ key: b64('safe/4000') }), token);
  });
});
