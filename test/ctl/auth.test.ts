// raftkvctl against etcdctl 3.4 for auth, user and role: two fresh raftkv
// nodes given the same history, etcdctl on one and raftkvctl on the other, so
// revisions match; each node's IDs are normalized. Every output format, the
// argument errors, and --user/--password once auth is on.
import { describe, expect, it } from 'vitest';
import * as rpc from '../../src/gen/etcdserverpb.js';
import { protoJson } from '../../src/ctl/format/json.js';
import type { CtlOptions, CtlResult } from '../support/etcdctl.js';
import { prereqs } from '../support/env.js';
import { raftkvctl, zapNorm } from '../support/raftkvctl.js';
import { useNode, type NodeFixture } from '../support/suite.js';

const pre = prereqs({ etcdctl: true });

const FORMATS = ['simple', 'json', 'fields', 'protobuf', 'table'] as const;

type Decoder = { decode(b: Buffer): unknown };

describe.skipIf(pre.skip)('raftkvctl = etcdctl (auth, user, role)', () => {
  const a = useNode(pre);
  const b = useNode(pre);

  function view(fx: NodeFixture, r: CtlResult, pb: Decoder | undefined): unknown {
    // protobuf: decoded, so that the node IDs in the header can be normalized.
    const text = pb !== undefined && r.code === 0 ? protoJson(pb.decode(r.stdoutBytes)) : r.stdout;
    // etcdctl asks for passwords with the terminal's echo off; on a pipe stty complains, which is no output of its own.
    const stderr = r.stderr.replace(/^stty: 'standard input': Inappropriate ioctl for device\n/gm, '');
    return { stdout: fx.n(text), stderr: zapNorm(fx.n(stderr)), code: r.code };
  }

  /** Runs etcdctl on node A and raftkvctl on node B; expects the same (normalized) result. */
  async function step(args: string[], opts: CtlOptions & { pb?: Decoder } = {}): Promise<void> {
    const ra = await a.ctl.run(args, opts);
    const rb = await raftkvctl(b.node.endpoint).run(args, { ...opts, endpoints: b.node.endpoint });
    expect(view(b, rb, opts.pb)).toEqual(view(a, ra, opts.pb));
  }

  for (const w of FORMATS) {
    const pb = (codec: Decoder): Decoder | undefined => (w === 'protobuf' ? codec : undefined);
    it(`users and roles, -w ${w}`, async () => {
      const role = `r-${w}`;
      const user = `u-${w}`;
      const ww = ['-w', w];
      await step(['role', 'add', role, ...ww], { pb: pb(rpc.AuthRoleAddResponse) });
      const grant = pb(rpc.AuthRoleGrantPermissionResponse);
      await step(['role', 'grant-permission', role, 'readwrite', '/app/', '--prefix', ...ww], { pb: grant });
      await step(['role', 'grant-permission', role, 'read', 'foo', ...ww], { pb: grant });
      await step(['role', 'grant-permission', role, 'WRITE', 'a', 'z', ...ww], { pb: grant });
      await step(['role', 'grant-permission', role, 'read', 'fk', '--from-key', ...ww], { pb: grant });
      await step(['role', 'grant-permission', role, 'write', '\xff', '--prefix', ...ww], { pb: grant });
      await step(['role', 'get', role, ...ww], { pb: pb(rpc.AuthRoleGetResponse) });
      await step(['role', 'list', ...ww], { pb: pb(rpc.AuthRoleListResponse) });
      await step(['user', 'add', `${user}:pw`, ...ww], { pb: pb(rpc.AuthUserAddResponse) });
      await step(['user', 'grant-role', user, role, ...ww], { pb: pb(rpc.AuthUserGrantRoleResponse) });
      await step(['user', 'get', user, ...ww], { pb: pb(rpc.AuthUserGetResponse) });
      // --detail prints its own lines before each role's: compared as text (protobuf's header holds node IDs).
      if (w !== 'protobuf') await step(['user', 'get', user, '--detail', ...ww]);
      await step(['user', 'list', ...ww], { pb: pb(rpc.AuthUserListResponse) });
      const revoke = pb(rpc.AuthRoleRevokePermissionResponse);
      await step(['role', 'revoke-permission', role, 'foo', ...ww], { pb: revoke });
      await step(['role', 'revoke-permission', role, 'a', 'z', ...ww], { pb: revoke });
      await step(['role', 'revoke-permission', role, 'fk', '--from-key', ...ww], { pb: revoke });
      await step(['role', 'revoke-permission', role, '/app/', '--prefix', ...ww], { pb: revoke });
      await step(['user', 'revoke-role', user, role, ...ww], { pb: pb(rpc.AuthUserRevokeRoleResponse) });
      await step(['user', 'passwd', user, '--interactive=false', ...ww], { stdin: 'newpw\n', pb: pb(rpc.AuthUserChangePasswordResponse) });
      await step(['user', 'delete', user, ...ww], { pb: pb(rpc.AuthUserDeleteResponse) });
      await step(['role', 'delete', role, ...ww], { pb: pb(rpc.AuthRoleDeleteResponse) });
    });
  }

  it('argument errors and failed calls', async () => {
    for (const args of [
      ['auth', 'enable', 'x'],
      ['auth', 'disable', 'x'],
      ['user', 'add'],
      ['user', 'add', 'a', 'b'],
      ['user', 'add', ':pw'],
      ['user', 'delete'],
      ['user', 'delete', 'nosuch'],
      ['user', 'get', 'nosuch'],
      ['user', 'grant-role', 'x'],
      ['user', 'revoke-role', 'x'],
      ['user', 'passwd'],
      ['user', 'list', 'x'],
      ['role', 'add'],
      ['role', 'get'],
      ['role', 'get', 'nosuch'],
      ['role', 'delete'],
      ['role', 'list', 'x'],
      ['role', 'grant-permission', 'x', 'read'],
      ['role', 'grant-permission', 'nosuch', 'read', 'k'],
      ['role', 'grant-permission', 'nosuch', 'bogus', 'k'],
      ['role', 'grant-permission', 'nosuch', 'read', 'k', 'e', '--prefix'],
      ['role', 'grant-permission', 'nosuch', 'read', 'k', '--prefix', '--from-key'],
      ['role', 'grant-permission', 'nosuch', 'read', '', '--prefix', '--from-key'],
      ['role', 'grant-permission', 'nosuch', 'read', 'k', 'e', '--from-key'],
      ['role', 'revoke-permission', 'nosuch'],
      ['role', 'revoke-permission', 'nosuch', 'k'],
      ['role', 'revoke-permission', 'nosuch', 'k', 'e', '--prefix'],
    ]) {
      await step(args);
    }
  });

  it('user add: password from stdin, --new-user-password, --no-password; empty keys', async () => {
    await step(['user', 'add', 'in1', '--interactive=false'], { stdin: 'pw1\n' });
    await step(['user', 'add', 'in2', '--interactive=false'], { stdin: '  two words\n' });
    await step(['user', 'add', 'in3', '--new-user-password', 'pw3']);
    await step(['user', 'add', 'in4', '--no-password']);
    await step(['user', 'get', 'in4']);
    await step(['user', 'add', 'in5'], { stdin: 'a\nb\n' });
    await step(['role', 'add', 'emptyk']);
    await step(['role', 'grant-permission', 'emptyk', 'write', '', '--from-key']);
    await step(['role', 'get', 'emptyk']);
    await step(['role', 'get', 'emptyk', '-w', 'fields']);
    await step(['role', 'revoke-permission', 'emptyk', '', '--prefix']);
    await step(['role', 'list', '-w', 'fields']);
    for (const u of ['in1', 'in2', 'in3', 'in4']) await step(['user', 'delete', u]);
    await step(['role', 'delete', 'emptyk']);
    await step(['role', 'list', '-w', 'fields']);
  });

  it('auth enable / disable and --user, --password', async () => {
    await step(['put', '/app/a', '1']);
    await step(['auth', 'enable']);
    await step(['user', 'add', 'root:rootpw']);
    await step(['role', 'add', 'app']);
    await step(['role', 'grant-permission', 'app', 'readwrite', '/app/', '--prefix']);
    await step(['user', 'add', 'alice:alicepw']);
    await step(['user', 'grant-role', 'alice', 'app']);
    // The root user lacks the root role: etcdctl creates and grants it, then enables.
    await step(['auth', 'enable']);
    await step(['user', 'get', 'root', '--user', 'root:rootpw']);
    await step(['role', 'list', '--user', 'root', '--password', 'rootpw']);
    // No password given: asked for ("Password: "), here answered on stdin.
    await step(['get', '/app/a', '--user', 'root'], { stdin: 'rootpw\n' });
    await step(['get', '/app/a']);
    await step(['get', '/app/a', '--user', 'root:wrongpw']);
    await step(['get', '/app/a', '--user', 'nosuch:pw']);
    await step(['get', '/app/a', '--user', 'alice:alicepw']);
    await step(['put', '/app/z', 'alice', '--user', 'alice:alicepw']);
    await step(['put', 'other', 'x', '--user', 'alice:alicepw']);
    await step(['auth', 'enable', '--user', 'root:rootpw']);
    await step(['auth', 'disable']);
    await step(['auth', 'disable', '--user', 'alice:alicepw']);
    await step(['auth', 'disable', '--user', 'root:rootpw', '-w', 'json']);
    await step(['get', '/app/z']);
    // Auth off: the failed login is logged and the command goes on.
    await step(['get', '/app/z', '--user', 'alice:alicepw']);
  });
});
