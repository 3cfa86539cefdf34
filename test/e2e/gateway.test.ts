// The client port's HTTP/1.1 side against real etcd 3.4.23: the same requests go to a fresh
// raftkv and a fresh etcd, in the same order, and the answers must be the same (status, the
// grpc-gateway headers and the JSON), with only member-specific values (IDs, names, URLs, term,
// sizes, hashes) blanked. Then /metrics is scraped for etcd's metric names.
import { describe, expect, it } from 'vitest';
import { prereqs } from '../support/env.js';
import { openLineStream } from '../support/http-lines.js';
import type { NodeHandle } from '../support/node.js';
import { useEtcdAndRaftkv } from '../support/suite.js';
import { waitFor } from '../support/proc.js';

const pre = prereqs({ etcd: true });

/** Values that differ between any two members, whatever they run. */
const MEMBER_SPECIFIC = new Set([
  'cluster_id',
  'member_id',
  'raft_term',
  'leader',
  'raftIndex',
  'raftTerm',
  'raftAppliedIndex',
  'dbSize',
  'dbSizeInUse',
  'hash',
  'name',
  'peerURLs',
  'clientURLs',
  'token',
  'memberID',
]);

function blank(v: unknown, inMembers = false): unknown {
  if (Array.isArray(v)) return v.map((e) => blank(e, inMembers));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    out[k] = MEMBER_SPECIFIC.has(k) || (inMembers && k === 'ID') ? '<member-specific>' : blank(x, inMembers || k === 'members');
  }
  return out;
}

/**
 * A body as compared: parsed JSON with its keys in order, else the text; a stream's body, one
 * value per line.
 */
function comparable(text: string): unknown {
  const lines = text.split('\n').filter((l) => l !== '');
  if (lines.length > 1) return lines.map(comparable);
  try {
    return { json: blank(JSON.parse(text)), keys: text.match(/"[^"]*":/g) };
  } catch {
    return { text };
  }
}

interface Answer {
  status: number;
  contentType: string | null;
  grpcMetadata: string | null;
  trailer: string | null;
  body: unknown;
}

async function call(node: NodeHandle, path: string, body?: string, method = 'POST', token?: string): Promise<Answer> {
  const headers: Record<string, string> = token === undefined ? {} : { Authorization: token };
  const res = await fetch(`${node.clientUrl}${path}`, { method, body, headers, signal: AbortSignal.timeout(20_000) });
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    grpcMetadata: res.headers.get('grpc-metadata-content-type'),
    trailer: res.headers.get('trailer'),
    body: comparable(await res.text()),
  };
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe.skipIf(pre.skip)('HTTP/1.1 on the client port, compared with etcd 3.4', () => {
  const nodes = useEtcdAndRaftkv(pre);

  /** Sends the request to etcd, then raftkv, and expects the same answer. */
  async function same(path: string, body?: string, method = 'POST'): Promise<Answer> {
    return sameEach(path, () => body, method);
  }

  /** Like same(), with a body (and auth token) of each node's own. */
  async function sameEach(
    path: string,
    body: (n: NodeHandle) => string | undefined,
    method = 'POST',
    token: (n: NodeHandle) => string | undefined = () => undefined,
  ): Promise<Answer> {
    const [e, r] = nodes();
    const want = await call(e, path, body(e), method, token(e));
    const got = await call(r, path, body(r), method, token(r));
    expect(got, `${method} ${path} ${body(r) ?? ''}`).toEqual(want);
    return got;
  }

  it('serves /health, /version, and 404 for /livez, /readyz and unknown paths, as etcd 3.4', async () => {
    expect((await same('/health', undefined, 'GET')).body).toEqual({ json: { health: 'true' }, keys: ['"health":'] });
    expect((await same('/version', undefined, 'GET')).body).toEqual({
      json: { etcdserver: '3.4.23', etcdcluster: '3.4.0' },
      keys: ['"etcdserver":', '"etcdcluster":'],
    });
    await same('/health');
    expect((await same('/livez', undefined, 'GET')).status).toBe(404);
    await same('/readyz', undefined, 'GET');
    await same('/nothing-here', undefined, 'GET');
  });

  it('KV: put, range, txn both ways, deleterange, compaction, and their errors', async () => {
    const foo = b64('foo');
    await same('/v3/kv/put', JSON.stringify({ key: foo, value: b64('bar') }));
    await same('/v3/kv/range', JSON.stringify({ key: foo }));
    await same('/v3beta/kv/range', JSON.stringify({ key: b64('none') }));
    await same('/v3/kv/range', JSON.stringify({ key: b64('a'), range_end: b64('z'), keys_only: true, sort_order: 'DESCEND' }));
    await same('/v3/kv/range', JSON.stringify({ key: b64('a'), rangeEnd: b64('z'), count_only: true }));
    // A failed txn has no "succeeded".
    const failed = await same(
      '/v3/kv/txn',
      JSON.stringify({
        compare: [{ key: foo, result: 'EQUAL', target: 'VALUE', value: b64('x') }],
        failure: [{ request_range: { key: foo } }],
      }),
    );
    expect(JSON.stringify(failed.body)).not.toContain('succeeded');
    await same(
      '/v3/kv/txn',
      JSON.stringify({
        compare: [{ key: foo, result: 'EQUAL', target: 'VALUE', value: b64('bar') }],
        success: [{ request_put: { key: foo, value: b64('x'), prev_kv: true } }],
      }),
    );
    await same('/v3/kv/deleterange', JSON.stringify({ key: foo, prev_kv: true }));
    await same('/v3/kv/compaction', JSON.stringify({ revision: '2' }));
    // Errors: from the server (gRPC code and grpc-gateway's HTTP status) and from the JSON itself.
    const compacted = await same('/v3/kv/compaction', JSON.stringify({ revision: 1 }));
    expect(compacted.status).toBe(400);
    expect(compacted.body).toMatchObject({ json: { code: 11, error: 'etcdserver: mvcc: required revision has been compacted' } });
    await same('/v3/kv/range', '');
    await same('/v3/kv/range', JSON.stringify({ key: foo, revision: 100 }));
    await same('/v3/kv/range', JSON.stringify({ key: 'YQ' }));
    await same('/v3/kv/range', JSON.stringify({ key: b64('a'), sort_order: 'FOO' }));
    await same('/v3/kv/range', JSON.stringify({ key: 5 }));
    await same('/v3/kv/range', '[]');
    await same('/v3/kv/range', `{"key":"${foo}","bogus":1} trailing`);
    await same('/v3/kv/range', undefined, 'GET');
    await same('/v3/kv/nothing', '{}');
  });

  it('Lease: grant, keepalive (known and unknown), timetolive, leases, revoke twice', async () => {
    await same('/v3/lease/grant', JSON.stringify({ TTL: '60', ID: '4242' }));
    await same('/v3/lease/keepalive', JSON.stringify({ ID: '4242' }));
    // An unknown lease's keepalive answers 200 without a TTL.
    const unknown = await same('/v3/lease/keepalive', JSON.stringify({ ID: 999 }));
    expect(unknown.status).toBe(200);
    expect(JSON.stringify(unknown.body)).not.toContain('TTL');
    const ttl = await call(nodes()[1], '/v3/lease/timetolive', JSON.stringify({ ID: '4242', keys: true }));
    expect(ttl.body).toMatchObject({ json: { ID: '4242', grantedTTL: '60' } });
    await same('/v3/lease/timetolive', JSON.stringify({ ID: '999' }));
    // A 64-bit ID written as a JSON number keeps every digit.
    await same('/v3/lease/timetolive', '{"ID":2389619450331478801}');
    // Streams: several requests in one body, an empty body, a bad first request (Unknown, 500).
    await same('/v3/lease/keepalive', '{"ID":"1"}{"ID":"2"}');
    await same('/v3/lease/keepalive', '');
    expect((await same('/v3/watch', 'xx')).status).toBe(500);
    await same('/v3/lease/leases', '{}');
    await same('/v3/kv/lease/leases', '{}');
    await same('/v3/lease/revoke', JSON.stringify({ ID: '4242' }));
    const gone = await same('/v3/lease/revoke', JSON.stringify({ ID: '4242' }));
    expect(gone.status).toBe(404);
  });

  it('Cluster, Maintenance and Auth routes', async () => {
    await same('/v3/cluster/member/list', '{}');
    await same('/v3/cluster/member/remove', JSON.stringify({ ID: '1' }));
    await same('/v3/cluster/member/update', JSON.stringify({ ID: '1', peerURLs: ['http://127.0.0.1:1'] }));
    await same('/v3/cluster/member/promote', JSON.stringify({ ID: '1' }));
    await same('/v3/cluster/member/add', JSON.stringify({ peerURLs: ['not a url'] }));
    await same('/v3/maintenance/status', '{}');
    await same('/v3/maintenance/alarm', '{}');
    await same('/v3/maintenance/alarm', JSON.stringify({ action: 'GET' }));
    await same('/v3/maintenance/defragment', '{}');
    await same('/v3/maintenance/hash', '{}');
    await same('/v3/auth/user/list', '{}');
    await same('/v3/auth/role/list', '{}');
    await same('/v3/auth/role/get', JSON.stringify({ role: 'nope' }));
    await same('/v3/auth/authenticate', JSON.stringify({ name: 'root', password: 'x' }));
  });

  it('streams a snapshot as etcd 3.4 does: blobs without header, the SHA-256 last', async () => {
    for (const n of nodes()) {
      const res = await fetch(`${n.clientUrl}/v3/maintenance/snapshot`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(200);
      const results = (await res.text())
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => (JSON.parse(l) as { result: { blob: string; remaining_bytes?: string } }).result);
      expect(results.length, n.target).toBeGreaterThanOrEqual(2);
      for (const r of results) expect(Object.keys(r).every((k) => k === 'blob' || k === 'remaining_bytes'), n.target).toBe(true);
      // The last data chunk leaves nothing to send but the digest, which is not counted.
      expect(results.at(-2)?.remaining_bytes, n.target).toBeUndefined();
      expect(Buffer.from(results.at(-1)?.blob ?? '', 'base64').length, n.target).toBe(32);
    }
  });

  it('/health fails (503) while an alarm is raised, and writes are refused', async () => {
    const ids = new Map<NodeHandle, string>();
    for (const n of nodes()) {
      const status = await fetch(`${n.clientUrl}/v3/maintenance/status`, { method: 'POST', body: '{}' });
      const parsed = (await status.json()) as { header: { member_id: string } };
      ids.set(n, parsed.header.member_id);
    }
    const alarm = (action: string) => (n: NodeHandle) => JSON.stringify({ action, memberID: ids.get(n), alarm: 'NOSPACE' });
    try {
      await sameEach('/v3/maintenance/alarm', alarm('ACTIVATE'));
      const sick = await same('/health', undefined, 'GET');
      expect(sick.status).toBe(503);
      expect(sick.body).toEqual({ json: { health: 'false' }, keys: ['"health":'] });
      await same('/v3/kv/put', JSON.stringify({ key: b64('a'), value: b64('a') }));
    } finally {
      await sameEach('/v3/maintenance/alarm', alarm('DEACTIVATE'));
    }
    expect((await same('/health', undefined, 'GET')).status).toBe(200);
  });

  it('Auth: enable, authenticate, the token in the Authorization header, disable', async () => {
    await same('/v3/auth/user/add', JSON.stringify({ name: 'root', password: 'pw' }));
    await same('/v3/auth/user/grant', JSON.stringify({ user: 'root', role: 'root' }));
    await same('/v3/auth/enable', '{}');
    const tokens = new Map<NodeHandle, string>();
    for (const n of nodes()) {
      const res = await fetch(`${n.clientUrl}/v3/auth/authenticate`, { method: 'POST', body: JSON.stringify({ name: 'root', password: 'pw' }) });
      tokens.set(n, ((await res.json()) as { token: string }).token);
    }
    const token = (n: NodeHandle): string | undefined => tokens.get(n);
    const range = (): string => JSON.stringify({ key: b64('a') });
    await same('/v3/kv/range', range());
    await sameEach('/v3/kv/range', range, 'POST', token);
    await sameEach('/v3/kv/range', range, 'POST', () => 'bogus');
    await sameEach('/v3/auth/user/get', () => JSON.stringify({ name: 'root' }), 'POST', token);
    await sameEach('/v3/auth/role/add', () => JSON.stringify({ name: 'r' }), 'POST', token);
    const perm = { permType: 'READWRITE', key: b64('a'), range_end: b64('b') };
    await sameEach('/v3/auth/role/grant', () => JSON.stringify({ name: 'r', perm }), 'POST', token);
    await sameEach('/v3/auth/role/get', () => JSON.stringify({ role: 'r' }), 'POST', token);
    await sameEach('/v3/auth/disable', () => '{}', 'POST', token);
    await same('/v3/auth/authenticate', JSON.stringify({ name: 'root', password: 'pw' }));
  });

  it('streams a watch as one {"result":...} line per response, created first', async () => {
    const [e, r] = nodes();
    const key = b64('w');
    const body = JSON.stringify({ create_request: { key, prev_kv: true } });
    const streams = [openLineStream(`${e.clientUrl}/v3/watch`, body), openLineStream(`${r.clientUrl}/v3/watch`, body)];
    try {
      for (const s of streams) await waitFor('watch created', () => (s.lines.length >= 1 ? true : undefined), 20_000);
      for (const v of ['1', '2']) await same('/v3/kv/put', JSON.stringify({ key, value: b64(v) }));
      await same('/v3/kv/deleterange', JSON.stringify({ key }));
      for (const s of streams) await waitFor('three events', () => (s.lines.length >= 4 ? true : undefined), 20_000);
      const [want, got] = streams.map((s) => s.lines.map(comparable));
      expect(got).toEqual(want);
      expect(got?.[3]).toMatchObject({ json: { result: { events: [{ type: 'DELETE' }] } } });
    } finally {
      for (const s of streams) s.close();
    }
  });

  it('/metrics is Prometheus text with etcd metric names, gRPC counts and Node.js metrics', async () => {
    const [, r] = nodes();
    const res = await fetch(`${r.clientUrl}/metrics`, { signal: AbortSignal.timeout(20_000) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    const names = new Set(
      text
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('#'))
        .map((l) => l.split(/[{ ]/)[0]),
    );
    for (const name of [
      'etcd_server_has_leader',
      'etcd_server_is_leader',
      'etcd_server_leader_changes_seen_total',
      'etcd_server_proposals_committed_total',
      'etcd_server_proposals_applied_total',
      'etcd_server_proposals_pending',
      'etcd_server_proposals_failed_total',
      'etcd_mvcc_db_total_size_in_bytes',
      'etcd_mvcc_db_total_size_in_use_in_bytes',
      'grpc_server_handled_total',
      'grpc_server_started_total',
      'grpc_server_msg_received_total',
      'grpc_server_msg_sent_total',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'etcd_disk_wal_fsync_duration_seconds_bucket',
      'etcd_disk_backend_commit_duration_seconds_bucket',
    ]) {
      expect(names, name).toContain(name);
    }
    expect(text).toMatch(/^etcd_server_has_leader 1$/m);
    expect(text).toMatch(/^etcd_server_version\{server_version="3\.4\.23"\} 1$/m);
    expect(text).toMatch(/^etcd_cluster_version\{cluster_version="3\.4"\} 1$/m);
    expect(text).toMatch(/^etcd_server_id\{server_id="[0-9a-f]+"\} 1$/m);
    expect(text).toMatch(/^# TYPE etcd_server_leader_changes_seen_total counter$/m);
    // The writes above were fsync'd into the Raft log and committed to the state database.
    expect(text).toMatch(/^# TYPE etcd_disk_wal_fsync_duration_seconds histogram$/m);
    expect(text).toMatch(/^etcd_disk_wal_fsync_duration_seconds_count [1-9]/m);
    expect(text).toMatch(/^etcd_disk_wal_fsync_duration_seconds_bucket\{le="0\.001"\} \d+$/m);
    expect(text).toMatch(/^etcd_disk_backend_commit_duration_seconds_count [1-9]/m);
    // The gateway's own calls are gRPC calls to the member, counted by method and code.
    expect(text).toMatch(/^grpc_server_handled_total\{[^}]*grpc_method="Range"[^}]*grpc_code="OK"[^}]*\} [1-9]/m);
    expect(text).toMatch(/^grpc_server_handled_total\{[^}]*grpc_method="Compact"[^}]*grpc_code="OutOfRange"[^}]*\} [1-9]/m);
  });
});
