// etcdctl 3.4 lease: grant, put --lease, timetolive (--keys, -w json), list,
// keep-alive (--once and continuous), revoke, the revoked-lease errors, and
// TTL expiry (etcd's minimum TTL is 2 s with default heartbeat/election
// settings). Reference: the "lease" section of etcdctl-3.4-outputs.txt; lease
// IDs are read from the grant output and substituted into the expectations.
import { describe, expect, it } from 'vitest';
import { prereqs } from '../support/env.js';
import { expectOk, expectRpcError, expectRun, jsonUint, parseLeaseGrant } from '../support/normalize.js';
import { sleep, waitFor } from '../support/proc.js';
import { useNode } from '../support/suite.js';

const pre = prereqs({ etcdctl: true });

describe.skipIf(pre.skip)('etcdctl lease', () => {
  const f = useNode(pre);
  const run = (...args: string[]) => f.ctl.run(args);
  let l1 = ''; // hex (%016x) of the 60 s lease
  let l2 = ''; // hex of the 30 s lease

  it('lease grant 60', async () => {
    const res = await run('lease', 'grant', '60');
    expect({ stderr: res.stderr, code: res.code }).toEqual({ stderr: '', code: 0 });
    const g = parseLeaseGrant(res.stdout);
    expect(g.ttl).toBe(60);
    expect(g.id > 0n).toBe(true);
    l1 = g.hex;
    f.norm.addId(g.id, '<LEASE1>');
  });

  it('put --lease=<id> (revs 2, 3)', async () => {
    expectOk(await run('put', `--lease=${l1}`, '/lease/k1', 'v1'), 'OK\n');
    expectOk(await run('put', `--lease=${l1}`, '/lease/k2', 'v2'), 'OK\n');
  });

  it('get -w json shows the lease (decimal)', async () => {
    const res = await run('get', '/lease/k1', '-w', 'json');
    expect(jsonUint(res.stdout, 'lease')).toBe(BigInt(`0x${l1}`));
    expectOk(
      res,
      '{"header":{"cluster_id":<CLUSTER_ID>,"member_id":<MEMBER_ID>,"revision":3,"raft_term":<TERM>},' +
        '"kvs":[{"key":"L2xlYXNlL2sx","create_revision":2,"mod_revision":2,"version":1,"value":"djE=","lease":<LEASE1>}],"count":1}\n',
      f.n,
    );
  });

  it('lease timetolive <id>', async () => {
    const res = await run('lease', 'timetolive', l1);
    const m = /^lease ([0-9a-f]{16}) granted with TTL\(60s\), remaining\((\d+)s\)\n$/.exec(res.stdout);
    expect(m, res.stdout).not.toBeNull();
    expect(m?.[1]).toBe(l1);
    const remaining = Number(m?.[2]);
    expect(remaining).toBeGreaterThanOrEqual(50);
    expect(remaining).toBeLessThanOrEqual(60);
    expectRun(res, { stdout: res.stdout, code: 0 });
  });

  it('lease timetolive --keys <id> (keys in any order)', async () => {
    const res = await run('lease', 'timetolive', '--keys', l1);
    const m = /^lease ([0-9a-f]{16}) granted with TTL\(60s\), remaining\((\d+)s\), attached keys\(\[(.*)\]\)\n$/.exec(res.stdout);
    expect(m, res.stdout).not.toBeNull();
    expect(m?.[1]).toBe(l1);
    expect((m?.[3] ?? '').split(' ').sort()).toEqual(['/lease/k1', '/lease/k2']);
    expectRun(res, { stdout: res.stdout, code: 0 });
  });

  it('lease timetolive --keys -w json', async () => {
    const res = await run('lease', 'timetolive', '--keys', l1, '-w', 'json');
    const ttl = Number(jsonUint(res.stdout, 'ttl'));
    expect(ttl).toBeGreaterThanOrEqual(50);
    expect(ttl).toBeLessThanOrEqual(60);
    // key order comes from a map in etcd's lessor: accept either
    const normalized = f
      .n(res.stdout)
      .replace(/"ttl":\d+/, '"ttl":<TTL>')
      .replace('"keys":["L2xlYXNlL2sy","L2xlYXNlL2sx"]', '"keys":["L2xlYXNlL2sx","L2xlYXNlL2sy"]');
    expect({ stdout: normalized, stderr: res.stderr, code: res.code }).toEqual({
      stdout:
        '{"cluster_id":<CLUSTER_ID>,"member_id":<MEMBER_ID>,"revision":3,"raft_term":<TERM>,' +
        '"id":<LEASE1>,"ttl":<TTL>,"granted-ttl":60,"keys":["L2xlYXNlL2sx","L2xlYXNlL2sy"]}\n',
      stderr: '',
      code: 0,
    });
  });

  it('lease list', async () => {
    expectOk(await run('lease', 'list'), `found 1 leases\n${l1}\n`);
  });

  it('lease list -w json', async () => {
    expectOk(
      await run('lease', 'list', '-w', 'json'),
      '{"cluster_id":<CLUSTER_ID>,"member_id":<MEMBER_ID>,"revision":3,"raft_term":<TERM>,"leases":[{"id":<LEASE1>}]}\n',
      f.n,
    );
  });

  it('lease keep-alive --once', async () => {
    expectOk(await run('lease', 'keep-alive', '--once', l1), `lease ${l1} keepalived with TTL(60)\n`);
  });

  it('lease keep-alive (continuous, SIGTERM)', async () => {
    const ka = f.ctl.start(['lease', 'keep-alive', l1]);
    await ka.waitForStdout('\n');
    await sleep(1500); // the next keep-alive is due only after TTL/3 = 20 s
    expectRun(await ka.stop('SIGTERM'), { stdout: `lease ${l1} keepalived with TTL(60)\n`, code: 143 });
  });

  it('lease grant -w json', async () => {
    const res = await run('lease', 'grant', '30', '-w', 'json');
    const id = jsonUint(res.stdout, 'ID');
    l2 = id.toString(16).padStart(16, '0');
    f.norm.addId(id, '<LEASE2>');
    expectOk(
      res,
      '{"cluster_id":<CLUSTER_ID>,"member_id":<MEMBER_ID>,"revision":3,"raft_term":<TERM>,"ID":<LEASE2>,"TTL":30,"Error":""}\n',
      f.n,
    );
    expect(l2).not.toBe(l1);
  });

  it('lease list (two leases, any order)', async () => {
    const res = await run('lease', 'list');
    expect(res.code).toBe(0);
    const lines = res.stdout.split('\n');
    expect(lines[0]).toBe('found 2 leases');
    expect(lines.slice(1).sort()).toEqual(['', l1, l2].sort());
  });

  it('lease revoke <id> deletes its keys in one revision (rev 4)', async () => {
    expectOk(await run('lease', 'revoke', l1), `lease ${l1} revoked\n`);
    expectOk(await run('get', '--prefix', '/lease/'), '');
    expectOk(
      await run('get', '/lease/k1', '-w', 'json'),
      '{"header":{"cluster_id":<CLUSTER_ID>,"member_id":<MEMBER_ID>,"revision":4,"raft_term":<TERM>}}\n',
      f.n,
    );
  });

  it('lease timetolive of revoked lease', async () => {
    expectOk(await run('lease', 'timetolive', l1), `lease ${l1} already expired\n`);
  });

  it('lease timetolive -w json of revoked lease', async () => {
    expectOk(
      await run('lease', 'timetolive', l1, '-w', 'json'),
      '{"cluster_id":<CLUSTER_ID>,"member_id":<MEMBER_ID>,"revision":4,"raft_term":<TERM>,"id":<LEASE1>,"ttl":-1,"granted-ttl":0,"keys":null}\n',
      f.n,
    );
  });

  it('lease revoke of revoked lease (error)', async () => {
    expectRun(await run('lease', 'revoke', l1), {
      warn: ['rpc error: code = NotFound desc = etcdserver: requested lease not found'],
      stderr: 'Error: failed to revoke lease (etcdserver: requested lease not found)\n',
      code: 1,
    });
  });

  it('lease keep-alive --once of revoked lease (exit 2)', async () => {
    expectRun(await run('lease', 'keep-alive', '--once', l1), {
      stderr: 'Error: etcdserver: requested lease not found\n',
      code: 2,
    });
  });

  it('put --lease=<nonexistent> (error)', async () => {
    expectRpcError(await run('put', `--lease=${l1}`, '/lease/k3', 'v3'), 'NotFound', 'etcdserver: requested lease not found');
  });

  it('lease grant with bad TTL arg (error, exit 128)', async () => {
    expectRun(await run('lease', 'grant', 'abc'), {
      stderr: 'Error: bad TTL (strconv.ParseInt: parsing "abc": invalid syntax)\n',
      code: 128,
    });
  });

  it('lease revoke 2nd lease', async () => {
    expectOk(await run('lease', 'revoke', l2), `lease ${l2} revoked\n`);
    expectOk(await run('lease', 'list'), 'found 0 leases\n');
  });

  it('TTL expiry: a 1 s grant is raised to the 2 s minimum, then its key goes away', async () => {
    const granted = Date.now();
    const res = await run('lease', 'grant', '1');
    expect({ stderr: res.stderr, code: res.code }).toEqual({ stderr: '', code: 0 });
    const g = parseLeaseGrant(res.stdout);
    expect(g.ttl).toBe(2);
    expectOk(await run('put', `--lease=${g.hex}`, '/ttl/k', 'v'), 'OK\n');
    await sleep(Math.max(0, granted + 1000 - Date.now()));
    expectOk(await run('get', '/ttl/k'), '/ttl/k\nv\n'); // still there after 1 s
    await waitFor(
      'the leased key to expire',
      async () => ((await run('get', '/ttl/k')).stdout === '' ? true : undefined),
      8000,
      100,
    );
    expect(Date.now() - granted).toBeGreaterThanOrEqual(1500);
    expectOk(await run('lease', 'timetolive', g.hex), `lease ${g.hex} already expired\n`);
    expectOk(await run('lease', 'list'), 'found 0 leases\n');
  });
});
