// Auth on a three-node cluster: a simple token issued by one member is accepted by the others (it
// reaches them through the log), permissions are enforced on every member, and users, roles,
// permissions and the enabled flag survive a restart of the whole cluster (tokens do not, as in etcd).
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { authClients, authenticate, enableAppAuth, putAs, rangeAs, rpcError } from '../support/auth-rpc.js';
import { useClusters } from '../support/cluster.js';
import { prereqs } from '../support/env.js';
import { waitFor } from '../support/proc.js';

const pre = prereqs({ etcdctl: true });

const clients = authClients;
const range = rangeAs;
const put = putAs;

describe.skipIf(pre.skip)('auth across three members', () => {
  const fx = useClusters(pre);
  const c = fx.shared(3);
  let token = '';

  it('set up through one member, enable auth', async () => {
    const ctl = fx.ctl(c().nodes[0]!.endpoint);
    for (const r of await enableAppAuth(ctl)) expect(r.code, `${r.step}: ${r.stderr}`).toBe(0);
  });

  it('a token issued by one member works on every member', async () => {
    const [n1, n2, n3] = c().nodes.map((n) => clients(n.endpoint));
    const a = await authenticate(n1!, 'u', 'upw');
    token = a.token;
    expect(token).toMatch(/^[a-zA-Z]{16}\.\d+$/);
    for (const n of [n1!, n2!, n3!]) {
      const r = await range(n, '/app/seed', token);
      expect(r.kvs.map((kv) => kv.value.toString())).toEqual(['v']);
    }
    await put(n3!, '/app/from-n3', 'x', token);
    expect((await range(n2!, '/app/from-n3', token)).kvs).toHaveLength(1);
    expect(await rpcError(range(n2!, '/other', token))).toEqual({ code: grpc.status.PERMISSION_DENIED, details: 'etcdserver: permission denied' });
    expect(await rpcError(put(n3!, '/other', 'x', token))).toEqual({ code: grpc.status.PERMISSION_DENIED, details: 'etcdserver: permission denied' });
    expect(await rpcError(range(n2!, '/app/seed'))).toEqual({ code: grpc.status.INVALID_ARGUMENT, details: 'etcdserver: user name is empty' });
    expect(await rpcError(range(n3!, '/app/seed', 'bogus.1'))).toEqual({ code: grpc.status.UNAUTHENTICATED, details: 'etcdserver: invalid auth token' });
    expect(await rpcError(authenticate(n2!, 'u', 'wrong'))).toEqual({
      code: grpc.status.INVALID_ARGUMENT,
      details: 'etcdserver: authentication failed, invalid user ID or password',
    });
    for (const x of [n1!, n2!, n3!]) {
      x.auth.close();
      x.kv.close();
    }
  });

  it('auth state survives a restart of every member; tokens do not', async () => {
    await Promise.all(c().nodes.map((n) => n.restart()));
    for (const node of c().nodes) {
      const ctl = fx.ctl(node.endpoint);
      const asRoot = await waitFor(
        `a read as root on ${node.name} after the restart`,
        async () => {
          const r = await ctl.run(['get', '/app/seed', '--print-value-only', '--user', 'root:rootpw']);
          return r.code === 0 ? r : undefined;
        },
        30_000,
        200,
      );
      expect(asRoot.stdout).toBe('v\n');
      const anon = await ctl.run(['get', '/app/seed']);
      expect(anon.stderr).toContain('Error: etcdserver: user name is empty');
      const asU = await ctl.run(['get', '/app/from-n3', '--print-value-only', '--user', 'u:upw']);
      expect(asU.stdout, asU.stderr).toBe('x\n');
      const denied = await ctl.run(['get', '/other', '--user', 'u:upw']);
      expect(denied.stderr).toContain('Error: etcdserver: permission denied');
      const roles = await ctl.run(['role', 'get', 'app', '--user', 'root:rootpw']);
      expect(roles.stdout).toBe('Role app\nKV Read:\n\t[/app/, /app0) (prefix /app/)\nKV Write:\n\t[/app/, /app0) (prefix /app/)\n');
      const x = clients(node.endpoint);
      expect(await rpcError(range(x, '/app/seed', token))).toEqual({ code: grpc.status.UNAUTHENTICATED, details: 'etcdserver: invalid auth token' });
      x.auth.close();
      x.kv.close();
    }
  });
});
