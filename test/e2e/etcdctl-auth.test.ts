// etcdctl 3.4 auth / user / role against a fresh single node, command by command as in the
// reference recording (etcdctl-3.4-outputs.txt, section "auth / user / role"). The recording ran
// against three endpoints; with one endpoint a failed Authenticate logs one warn line, not three.
// /app/a=1 is written first, as the recording's earlier sections had.
import { describe, expect, it } from 'vitest';
import { prereqs } from '../support/env.js';
import { expectOk, expectRpcError, expectRun } from '../support/normalize.js';
import { useNode } from '../support/suite.js';

const pre = prereqs({ etcdctl: true });

const ROOT = ['--user', 'root:rootpw'];
const ALICE = ['--user', 'alice:alicepw'];
const ROLE_MYROLE = 'Role myrole\nKV Read:\n\t[/app/, /app0) (prefix /app/)\n\tfoo\nKV Write:\n\t[/app/, /app0) (prefix /app/)\n';
const AUTH_FAILED = 'etcdserver: authentication failed, invalid user ID or password';

describe.skipIf(pre.skip)('etcdctl auth / user / role', () => {
  const f = useNode(pre);
  const run = (...args: string[]) => f.ctl.run(args);

  it('seeds /app/a (rev 2)', async () => {
    expectOk(await run('put', '/app/a', '1'), 'OK\n');
  });

  it('auth enable with no root user (error)', async () => {
    expectRpcError(await run('auth', 'enable'), 'FailedPrecondition', 'etcdserver: root user does not exist');
  });

  it('user add root:rootpw; user add with password via stdin', async () => {
    expectOk(await run('user', 'add', 'root:rootpw'), 'User root created\n');
    expectOk(await f.ctl.run(['user', 'add', 'bob', '--interactive=false'], { stdin: 'bobpw\n' }), 'User bob created\n');
  });

  it('user add existing (error)', async () => {
    expectRpcError(await run('user', 'add', 'root:x'), 'FailedPrecondition', 'etcdserver: user name already exists');
  });

  it('role add myrole; role add existing (error)', async () => {
    expectOk(await run('role', 'add', 'myrole'), 'Role myrole created\n');
    expectRpcError(await run('role', 'add', 'myrole'), 'FailedPrecondition', 'etcdserver: role name already exists');
  });

  it('role grant-permission (prefix readwrite, single key read); role get; role list', async () => {
    expectOk(await run('role', 'grant-permission', 'myrole', 'readwrite', '/app/', '--prefix'), 'Role myrole updated\n');
    expectOk(await run('role', 'grant-permission', 'myrole', 'read', 'foo'), 'Role myrole updated\n');
    expectOk(await run('role', 'get', 'myrole'), ROLE_MYROLE);
    expectOk(await run('role', 'list'), 'myrole\n');
  });

  it('user add alice; grant-role; user get (plain, --detail); user list (plain, json)', async () => {
    expectOk(await run('user', 'add', 'alice:alicepw'), 'User alice created\n');
    expectOk(await run('user', 'grant-role', 'alice', 'myrole'), 'Role myrole is granted to user alice\n');
    expectOk(await run('user', 'get', 'alice'), 'User: alice\nRoles: myrole\n');
    expectOk(await run('user', 'get', 'alice', '--detail'), `User: alice\n\n${ROLE_MYROLE}`);
    expectOk(await run('user', 'list'), 'alice\nbob\nroot\n');
    expectOk(
      await run('user', 'list', '-w', 'json'),
      '{"header":{"cluster_id":<CLUSTER_ID>,"member_id":<MEMBER_ID>,"revision":2,"raft_term":<TERM>},"users":["alice","bob","root"]}\n',
      f.n,
    );
  });

  it('auth enable (etcdctl adds the root role after the server refuses)', async () => {
    expectRun(await run('auth', 'enable'), {
      stdout: 'Authentication Enabled\n',
      warn: ['rpc error: code = FailedPrecondition desc = etcdserver: root user does not have root role'],
      code: 0,
    });
  });

  it('user get root / role list as root', async () => {
    expectOk(await run('user', 'get', 'root', ...ROOT), 'User: root\nRoles: root\n');
    expectOk(await run('role', 'list', ...ROOT), 'myrole\nroot\n');
  });

  it('get / put without --user (error)', async () => {
    expectRpcError(await run('get', 'foo'), 'InvalidArgument', 'etcdserver: user name is empty');
    expectRpcError(await run('put', 'foo', 'x'), 'InvalidArgument', 'etcdserver: user name is empty');
  });

  it('get as root (user:password and --password)', async () => {
    expectOk(await run('get', '/app/a', ...ROOT), '/app/a\n1\n');
    expectOk(await run('get', '/app/a', '--user', 'root', '--password', 'rootpw'), '/app/a\n1\n');
  });

  it('get with a wrong password or an unknown user (error, exit 2)', async () => {
    for (const user of ['root:wrongpw', 'nosuch:pw']) {
      expectRun(await run('get', '/app/a', '--user', user), {
        warn: [`rpc error: code = InvalidArgument desc = ${AUTH_FAILED}`],
        stderr: `Error: ${AUTH_FAILED}\n`,
        code: 2,
      });
    }
  });

  it('alice: get and put within the granted prefix', async () => {
    expectOk(await run('get', '/app/a', ...ALICE), '/app/a\n1\n');
    expectOk(await run('put', '/app/z', 'alice-wrote', ...ALICE), 'OK\n');
  });

  it('alice: get outside the granted range, put on a read-only key (error)', async () => {
    expectRpcError(await run('get', 'txnkey', ...ALICE), 'PermissionDenied', 'etcdserver: permission denied');
    expectRpcError(await run('put', 'foo', 'x', ...ALICE), 'PermissionDenied', 'etcdserver: permission denied');
  });

  // Checked against etcd 3.4.23: with auth on, a non-root user may list alarms, compact, list
  // members and read endpoint status; hashkv and defrag need root and fail with the auth
  // package's raw error (gRPC code Unknown).
  it('alice: maintenance that etcd 3.4 leaves open, and what needs root', async () => {
    expectOk(await run('alarm', 'list', ...ALICE), '');
    const members = await run('member', 'list', ...ALICE);
    expect(members.code).toBe(0);
    expect(members.stdout).toMatch(/, started, /);
    const status = await run('endpoint', 'status', ...ALICE);
    expect(status.code).toBe(0);
    const hashkv = await run('endpoint', 'hashkv', ...ALICE);
    expect(hashkv.code).toBe(1);
    expect(hashkv.stderr).toContain('rpc error: code = Unknown desc = auth: permission denied');
    const defrag = await run('defrag', ...ALICE);
    expect(defrag.code).toBe(1);
    expect(defrag.stderr).toContain('(rpc error: code = Unknown desc = auth: permission denied)');
  });

  it('auth enable when already enabled, as root', async () => {
    expectOk(await run('auth', 'enable', ...ROOT), 'Authentication Enabled\n');
  });

  it('auth disable without --user, as alice (errors), as root', async () => {
    expectRpcError(await run('auth', 'disable'), 'InvalidArgument', 'etcdserver: user name is empty');
    expectRpcError(await run('auth', 'disable', ...ALICE), 'PermissionDenied', 'etcdserver: permission denied');
    expectOk(await run('auth', 'disable', ...ROOT), 'Authentication Disabled\n');
  });

  it('get without --user after auth disable', async () => {
    expectOk(await run('get', '/app/z'), '/app/z\nalice-wrote\n');
  });

  it('role revoke-permission; user revoke-role; user passwd', async () => {
    expectOk(await run('role', 'revoke-permission', 'myrole', 'foo'), 'Permission of key foo is revoked from role myrole\n');
    expectOk(await run('user', 'revoke-role', 'alice', 'myrole'), 'Role myrole is revoked from user alice\n');
    expectOk(await f.ctl.run(['user', 'passwd', 'alice', '--interactive=false'], { stdin: 'newpw\n' }), 'Password updated\n');
  });

  it('user delete; role delete; role get of a deleted role (error)', async () => {
    expectOk(await run('user', 'delete', 'alice'), 'User alice deleted\n');
    expectOk(await run('user', 'delete', 'bob'), 'User bob deleted\n');
    expectOk(await run('role', 'delete', 'myrole'), 'Role myrole deleted\n');
    expectRpcError(await run('role', 'get', 'myrole'), 'FailedPrecondition', 'etcdserver: role name not found');
  });
});
