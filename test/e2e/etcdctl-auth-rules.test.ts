// Who may do what once auth is on, as etcd 3.4.23 answers it (checked against it: run this file with
// RAFTKV_TEST_TARGET=etcd): membership changes need root, a user may read its own user and the
// roles it has but nobody else's, and a non-root `snapshot save` is refused at once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prereqs } from '../support/env.js';
import { expectOk, expectRpcError } from '../support/normalize.js';
import { useNode } from '../support/suite.js';

const pre = prereqs({ etcdctl: true });

const ALICE = ['--user', 'alice:alicepw'];
const ROOT = ['--user', 'root:rootpw'];
const DENIED = 'etcdserver: permission denied';

describe.skipIf(pre.skip)('etcdctl: auth rules for membership, user/role reads and snapshots', () => {
  const f = useNode(pre);
  const run = (...args: string[]) => f.ctl.run(args);
  const dir = mkdtempSync(join(tmpdir(), 'auth-rules-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('set up root, alice with role app, a role she lacks; enable auth', async () => {
    for (const args of [
      ['user', 'add', 'root:rootpw'],
      ['user', 'grant-role', 'root', 'root'],
      ['user', 'add', 'alice:alicepw'],
      ['role', 'add', 'app'],
      ['role', 'add', 'other'],
      ['role', 'grant-permission', 'app', 'read', '/app/', '--prefix'],
      ['user', 'grant-role', 'alice', 'app'],
      ['auth', 'enable'],
    ]) {
      const r = await run(...args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
  });

  it('member add/remove/update/promote need root; member list does not', async () => {
    expectRpcError(await run('member', 'add', 'x', '--peer-urls=http://127.0.0.1:1', ...ALICE), 'PermissionDenied', DENIED);
    expectRpcError(await run('member', 'remove', '1234', ...ALICE), 'PermissionDenied', DENIED);
    expectRpcError(await run('member', 'update', '1234', '--peer-urls=http://127.0.0.1:2', ...ALICE), 'PermissionDenied', DENIED);
    expectRpcError(await run('member', 'promote', '1234', ...ALICE), 'PermissionDenied', DENIED);
    expect((await run('member', 'list', ...ALICE)).code).toBe(0);
    // root gets past the check, to the member table's own answer
    expectRpcError(await run('member', 'remove', '1234', ...ROOT), 'NotFound', 'etcdserver: member not found');
  });

  it('a user reads its own user and the roles it has, nothing more', async () => {
    expectOk(await run('user', 'get', 'alice', ...ALICE), 'User: alice\nRoles: app\n');
    expectOk(await run('role', 'get', 'app', ...ALICE), 'Role app\nKV Read:\n\t[/app/, /app0) (prefix /app/)\nKV Write:\n');
    expectRpcError(await run('user', 'get', 'root', ...ALICE), 'PermissionDenied', DENIED);
    expectRpcError(await run('role', 'get', 'other', ...ALICE), 'PermissionDenied', DENIED);
    expectRpcError(await run('user', 'list', ...ALICE), 'PermissionDenied', DENIED);
    expectRpcError(await run('role', 'list', ...ALICE), 'PermissionDenied', DENIED);
  });

  it('snapshot save as a non-root user is refused at once', async () => {
    const r = await f.ctl.run(['snapshot', 'save', join(dir, 's.db'), ...ALICE], { timeoutMs: 15_000 });
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toContain('Error: rpc error: code = Unknown desc = auth: permission denied\n');
    const ok = await f.ctl.run(['snapshot', 'save', join(dir, 'root.db'), ...ROOT], { timeoutMs: 30_000 });
    expect(ok.code, ok.stderr).toBe(0);
  });
});
