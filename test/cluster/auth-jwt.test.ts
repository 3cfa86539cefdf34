// JWT tokens (--auth-token jwt,...) on a three-node cluster: a token issued by one member is
// verified by the others with the shared key (nothing travels but the token), still works after a
// member restarts, and is refused with etcd's old-revision error once the auth store changed.
import { generateKeyPairSync } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, describe, expect, it } from 'vitest';
import { authClients, authenticate, enableAppAuth, putAs, rangeAs, rpcError } from '../support/auth-rpc.js';
import { useClusters } from '../support/cluster.js';
import { prereqs, RAFTKV_ENTRY } from '../support/env.js';
import { waitFor } from '../support/proc.js';

const pre = prereqs({ etcdctl: true });

const keyDir = mkdtempSync(join(tmpdir(), 'jwt-keys-'));
const keys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
writeFileSync(join(keyDir, 'jwt.pub'), keys.publicKey);
writeFileSync(join(keyDir, 'jwt.key'), keys.privateKey);
const AUTH_TOKEN = `jwt,pub-key=${join(keyDir, 'jwt.pub')},priv-key=${join(keyDir, 'jwt.key')},sign-method=RS256,ttl=10m`;
afterAll(() => rmSync(keyDir, { recursive: true, force: true }));

const OLD_REVISION = { code: grpc.status.INVALID_ARGUMENT, details: 'etcdserver: revision of auth store is old' };

describe.skipIf(pre.skip)('JWT auth tokens across three members', () => {
  const fx = useClusters(pre);
  const c = fx.shared(3, { extraFlags: ['--auth-token', AUTH_TOKEN] });
  let token = '';

  it('set up through one member with etcdctl, enable auth', async () => {
    const ctl = fx.ctl(c().nodes[0]!.endpoint);
    for (const r of await enableAppAuth(ctl)) expect(r.code, `${r.step}: ${r.stderr}`).toBe(0);
  });

  it("a token from member A carries etcd's claims and works on B and C", async () => {
    const [a, b, cc] = c().nodes.map((n) => authClients(n.endpoint));
    token = (await authenticate(a!, 'u', 'upw')).token;
    const [header, claims] = token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>);
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(Object.keys(claims ?? {})).toEqual(['exp', 'revision', 'username']);
    expect(claims?.['username']).toBe('u');
    for (const n of [a!, b!, cc!]) expect((await rangeAs(n, '/app/seed', token)).kvs.map((kv) => kv.value.toString())).toEqual(['v']);
    await putAs(cc!, '/app/from-c', 'x', token);
    expect(await rpcError(rangeAs(b!, '/other', token))).toEqual({ code: grpc.status.PERMISSION_DENIED, details: 'etcdserver: permission denied' });
    expect(await rpcError(rangeAs(b!, '/app/seed', `${token}x`))).toEqual({ code: grpc.status.UNAUTHENTICATED, details: 'etcdserver: invalid auth token' });
    for (const x of [a!, b!, cc!]) x.close();
  });

  it('the token still works on B after B restarts', async () => {
    const b = c().nodes[1]!;
    await b.restart();
    const x = authClients(b.endpoint);
    const r = await waitFor(
      'a read with the old token on the restarted member',
      async () => rangeAs(x, '/app/from-c', token).catch(() => undefined),
      30_000,
      200,
    );
    expect(r.kvs.map((kv) => kv.value.toString())).toEqual(['x']);
    x.close();
  });

  it("after an auth change the token gets etcd's old-revision error; a new one works; etcdctl re-authenticates", async () => {
    const ctl = fx.ctl(c().nodes[0]!.endpoint);
    expect((await ctl.run(['role', 'add', 'another', '--user', 'root:rootpw'])).code).toBe(0);
    const x = authClients(c().nodes[0]!.endpoint);
    expect(await rpcError(rangeAs(x, '/app/seed', token))).toEqual(OLD_REVISION);
    expect(await rpcError(putAs(x, '/app/seed', 'y', token))).toEqual(OLD_REVISION);
    const fresh = (await authenticate(x, 'u', 'upw')).token;
    expect((await putAs(x, '/app/seed', 'y', fresh)).header).toBeDefined();
    const r = await ctl.run(['get', '/app/seed', '--print-value-only', '--user', 'u:upw']);
    expect(r.stdout, r.stderr).toBe('y\n');
    x.close();
  });
});

describe('--auth-token errors stop the member as they stop etcd', () => {
  const start = (authToken: string) =>
    spawnSync(process.execPath, [RAFTKV_ENTRY, '--data-dir', join(keyDir, 'never'), '--auth-token', authToken], { encoding: 'utf8', timeout: 20_000 });

  it('an unknown token type', () => {
    const r = start('bogus');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('raftkv: auth: unknown token type: bogus\nraftkv: auth: invalid auth options\n');
  });

  it('jwt without keys', () => {
    const r = start('jwt,sign-method=RS256');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('raftkv: auth: missing key data\n');
  });
});
