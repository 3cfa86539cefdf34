// etcdctl 3.4 cluster/maintenance commands on a single member: member list,
// endpoint status / health / hashkv (simple, table, json, --cluster, a dead
// endpoint), compaction (reading and compacting a compacted revision, a future
// revision, --physical), defrag, alarm list/disarm, snapshot save. Reference:
// the "member", "endpoint", "compaction / defrag / alarm" and "snapshot"
// sections of etcdctl-3.4-outputs.txt.
//
// Not covered yet (cluster/auth work comes later): member add / remove /
// promote / update, move-leader, auth / user / role. Snapshot status and
// restore with real etcd: etcd-snapshot.test.ts.
import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prereqs } from '../support/env.js';
import { expectOk, expectRpcError, expectRun, jsonUint, parseTable } from '../support/normalize.js';
import { deadPort } from '../support/ports.js';
import { useNode } from '../support/suite.js';

const pre = prereqs({ etcdctl: true });

const VERSION = /^3\.4\.\d+$/;
const DB_SIZE = /^\d+(\.\d+)? (B|kB|MB|GB)$/;
const DURATION = /^\d+(\.\d+)?(ns|µs|us|ms|s)$/;

describe.skipIf(pre.skip)('etcdctl member / endpoint / maintenance', () => {
  const f = useNode(pre);
  const run = (...args: string[]) => f.ctl.run(args);

  describe('member list', () => {
    it('member list', async () => {
      expectOk(await run('member', 'list'), '<MEMBER_ID>, started, n1, <PEER_URL>, <CLIENT_URL>, false\n', f.n);
    });

    it('member list -w table', async () => {
      const res = await run('member', 'list', '-w', 'table');
      expectRun(res, { stdout: res.stdout, code: 0 });
      expect(parseTable(res.stdout, f.norm.cell)).toEqual({
        header: ['ID', 'STATUS', 'NAME', 'PEER ADDRS', 'CLIENT ADDRS', 'IS LEARNER'],
        rows: [['<MEMBER_ID>', 'started', 'n1', '<PEER_URL>', '<CLIENT_URL>', 'false']],
      });
    });

    it('member list -w json', async () => {
      expectOk(
        await run('member', 'list', '-w', 'json'),
        '{"header":{"cluster_id":<CLUSTER_ID>,"member_id":<MEMBER_ID>,"raft_term":<TERM>},' +
          '"members":[{"ID":<MEMBER_ID>,"name":"n1","peerURLs":["<PEER_URL>"],"clientURLs":["<CLIENT_URL>"]}]}\n',
        f.n,
      );
    });
  });

  describe('endpoint status', () => {
    it('endpoint status', async () => {
      const res = await run('endpoint', 'status');
      expectRun(res, { stdout: res.stdout, code: 0 });
      const m = /^<EP>, <MEMBER_ID>, (\S+), (\S+ \S+), true, false, (\d+), (\d+), (\d+), \n$/.exec(f.n(res.stdout));
      expect(m, res.stdout).not.toBeNull();
      expect(m?.[1]).toMatch(VERSION);
      expect(m?.[2]).toMatch(DB_SIZE);
      expect(Number(m?.[3])).toBeGreaterThan(0);
      expect(m?.[4]).toBe(m?.[5]); // raft index == applied index on an idle node
    });

    it('endpoint status -w table', async () => {
      const res = await run('endpoint', 'status', '-w', 'table');
      expectRun(res, { stdout: res.stdout, code: 0 });
      const t = parseTable(res.stdout, f.norm.cell);
      expect(t.header).toEqual([
        'ENDPOINT', 'ID', 'VERSION', 'DB SIZE', 'IS LEADER', 'IS LEARNER', 'RAFT TERM', 'RAFT INDEX', 'RAFT APPLIED INDEX', 'ERRORS',
      ]);
      expect(t.rows).toHaveLength(1);
      const [ep, id, version, size, leader, learner, term, index, applied, errors] = t.rows[0] ?? [];
      expect({ ep, id, leader, learner, errors }).toEqual({ ep: '<EP>', id: '<MEMBER_ID>', leader: 'true', learner: 'false', errors: '' });
      expect(version).toMatch(VERSION);
      expect(size).toMatch(DB_SIZE);
      expect(term).toMatch(/^[1-9]\d*$/);
      expect(index).toBe(applied);
    });

    it('endpoint status -w json (revision 1 on a fresh node)', async () => {
      const res = await run('endpoint', 'status', '-w', 'json');
      const out = f.n(res.stdout);
      const dbSize = jsonUint(out, 'dbSize');
      const inUse = jsonUint(out, 'dbSizeInUse');
      const raftIndex = jsonUint(out, 'raftIndex');
      expect(jsonUint(out, 'raftAppliedIndex')).toBe(raftIndex);
      expect(dbSize > 0n && inUse > 0n && inUse <= dbSize).toBe(true);
      expect(/"version":"([^"]*)"/.exec(out)?.[1]).toMatch(VERSION);
      const normalized = out
        .replace(/"version":"[^"]*"/, '"version":"<VERSION>"')
        .replace(/"(dbSize|raftIndex|raftAppliedIndex|dbSizeInUse)":\d+/g, '"$1":<N>');
      expectRun(
        { ...res, stdout: normalized },
        {
          stdout:
            '[{"Endpoint":"<EP>","Status":{"header":{"cluster_id":<CLUSTER_ID>,"member_id":<MEMBER_ID>,"revision":1,"raft_term":<TERM>},' +
            '"version":"<VERSION>","dbSize":<N>,"leader":<MEMBER_ID>,"raftIndex":<N>,"raftTerm":<TERM>,"raftAppliedIndex":<N>,"dbSizeInUse":<N>}}]\n',
          code: 0,
        },
      );
    });

    it('endpoint status --cluster -w table (endpoints from member list)', async () => {
      const res = await run('endpoint', 'status', '--cluster', '-w', 'table');
      expectRun(res, { stdout: res.stdout, code: 0 });
      const t = parseTable(res.stdout, f.norm.cell);
      expect(t.rows.map((r) => [r[0], r[1], r[4]])).toEqual([['<CLIENT_URL>', '<MEMBER_ID>', 'true']]);
    });
  });

  describe('endpoint hashkv', () => {
    let hash0 = '';

    it('endpoint hashkv (stable while nothing is written)', async () => {
      const res = await run('endpoint', 'hashkv');
      const m = /^<EP>, (\d+)\n$/.exec(f.n(res.stdout));
      expect(m, res.stdout).not.toBeNull();
      hash0 = m?.[1] ?? '';
      // etcd's HashKV is a crc32c seeded with the key bucket's name: never 0, so its JSON always has "hash"
      expect(hash0, 'HashKV hash of a fresh store').not.toBe('0');
      expectRun(res, { stdout: res.stdout, code: 0 });
      expectOk(await run('endpoint', 'hashkv'), `<EP>, ${hash0}\n`, f.n);
    });

    it('endpoint hashkv -w table', async () => {
      const res = await run('endpoint', 'hashkv', '-w', 'table');
      expectRun(res, { stdout: res.stdout, code: 0 });
      expect(parseTable(res.stdout, f.norm.cell)).toEqual({ header: ['ENDPOINT', 'HASH'], rows: [['<EP>', hash0]] });
    });

    it('endpoint hashkv -w json (no compaction yet: compact_revision -1)', async () => {
      expectOk(
        await run('endpoint', 'hashkv', '-w', 'json'),
        '[{"Endpoint":"<EP>","HashKV":{"header":{"cluster_id":<CLUSTER_ID>,"member_id":<MEMBER_ID>,"revision":1,"raft_term":<TERM>},' +
          `"hash":${hash0},"compact_revision":-1}}]\n`,
        f.n,
      );
    });

    it('endpoint hashkv changes after a write', async () => {
      expectOk(await run('put', 'hk', 'v'), 'OK\n'); // rev 2
      expectOk(await run('del', 'hk'), '1\n'); // rev 3
      const res = await run('endpoint', 'hashkv');
      expect(res.code).toBe(0);
      expect(f.n(res.stdout)).toMatch(/^<EP>, \d+\n$/);
      expect(f.n(res.stdout)).not.toBe(`<EP>, ${hash0}\n`);
    });
  });

  describe('compaction / defrag / alarm', () => {
    it('get --rev before compaction (revs 4, 5)', async () => {
      expectOk(await run('put', '/c/k', 'v1'), 'OK\n');
      expectOk(await run('put', '/c/k', 'v2'), 'OK\n');
      expectOk(await run('get', '/c/k', '--rev=4'), '/c/k\nv1\n');
    });

    it('compaction <current rev>', async () => {
      expectOk(await run('compaction', '5'), 'compacted revision 5\n');
    });

    it('get --rev=<compacted rev> (error)', async () => {
      expectRpcError(await run('get', '/c/k', '--rev=4'), 'OutOfRange', 'etcdserver: mvcc: required revision has been compacted');
    });

    it('get --rev=<compaction rev> still works', async () => {
      expectOk(await run('get', '/c/k', '--rev=5'), '/c/k\nv2\n');
    });

    it('compaction same rev again (error)', async () => {
      expectRpcError(await run('compaction', '5'), 'OutOfRange', 'etcdserver: mvcc: required revision has been compacted');
    });

    it('compaction future rev (error)', async () => {
      expectRpcError(await run('compaction', '1005'), 'OutOfRange', 'etcdserver: mvcc: required revision is a future revision');
    });

    it('compaction --physical (rev 6)', async () => {
      expectOk(await run('put', '/c/k', 'v3'), 'OK\n');
      expectOk(await run('compaction', '--physical', '6'), 'compacted revision 6\n');
      expectOk(await run('get', '/c/k'), '/c/k\nv3\n');
    });

    it('endpoint hashkv -w json after compaction reports the compact revision', async () => {
      const res = await run('endpoint', 'hashkv', '-w', 'json');
      const normalized = f.n(res.stdout).replace(/"hash":\d+/, '"hash":<HASH>');
      expectRun(
        { ...res, stdout: normalized },
        {
          stdout:
            '[{"Endpoint":"<EP>","HashKV":{"header":{"cluster_id":<CLUSTER_ID>,"member_id":<MEMBER_ID>,"revision":6,"raft_term":<TERM>},' +
            '"hash":<HASH>,"compact_revision":6}}]\n',
          code: 0,
        },
      );
    });

    it('defrag', async () => {
      expectOk(await run('defrag'), 'Finished defragmenting etcd member[<EP>]\n', f.n);
    });

    it('defrag --cluster', async () => {
      expectOk(await run('defrag', '--cluster'), 'Finished defragmenting etcd member[<CLIENT_URL>]\n', f.n);
    });

    it('data survives defrag', async () => {
      expectOk(await run('get', '/c/k', '-w', 'json', '--keys-only'),
        '{"header":{"cluster_id":<CLUSTER_ID>,"member_id":<MEMBER_ID>,"revision":6,"raft_term":<TERM>},' +
          '"kvs":[{"key":"L2Mvaw==","create_revision":4,"mod_revision":6,"version":3}],"count":1}\n',
        f.n,
      );
    });

    it('alarm list (none)', async () => {
      expectOk(await run('alarm', 'list'), '');
    });

    it('alarm disarm (none)', async () => {
      expectOk(await run('alarm', 'disarm'), '');
    });
  });

  describe('snapshot save', () => {
    it('snapshot save with several endpoints (error, exit 5)', async () => {
      const dead = `127.0.0.1:${await deadPort()}`;
      const file = path.join(f.node.baseDir, 'snap-multi.db');
      expectRun(await f.ctl.run(['snapshot', 'save', file], { endpoints: [f.node.endpoint, dead] }), {
        stderr: `Error: snapshot must be requested to one selected node, not multiple [${f.node.endpoint} ${dead}]\n`,
        code: 5,
      });
    });

    it('snapshot save (single endpoint): output, exit code, non-empty file', async () => {
      const file = path.join(f.node.baseDir, 'snap.db');
      const res = await run('snapshot', 'save', file);
      expectRun(res, { stdout: `Snapshot saved at ${file}\n`, stderr: res.stderr, code: 0 });
      expect(statSync(file).size).toBeGreaterThan(0);
      // stderr: etcdctl's own progress log (zap JSON lines)
      const logs = res.stderr
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const fetched = logs.find((l) => l['msg'] === 'fetched snapshot');
      expect(String(fetched?.['size'])).toMatch(DB_SIZE);
      const shape = logs.map((l) => ({ level: l['level'], msg: l['msg'], path: l['path'], endpoint: l['endpoint'] }));
      expect(shape[0]).toEqual({ level: 'info', msg: 'created temporary db file', path: `${file}.part`, endpoint: undefined });
      expect(shape[shape.length - 1]).toEqual({ level: 'info', msg: 'saved', path: file, endpoint: undefined });
      // "opened snapshot stream" is logged by a goroutine: its place among the middle lines varies
      expect(shape.slice(1, -1).sort((a, b) => String(a.msg).localeCompare(String(b.msg)))).toEqual([
        { level: 'info', msg: 'completed snapshot read; closing', path: undefined, endpoint: undefined },
        { level: 'info', msg: 'fetched snapshot', path: undefined, endpoint: f.node.endpoint },
        { level: 'info', msg: 'fetching snapshot', path: undefined, endpoint: f.node.endpoint },
        { level: 'info', msg: 'opened snapshot stream; downloading', path: undefined, endpoint: undefined },
      ]);
    });
  });

  describe('endpoint health', () => {
    it('endpoint health (report on stderr)', async () => {
      const res = await run('endpoint', 'health');
      const m = /^<EP> is healthy: successfully committed proposal: took = (\S+)\n$/.exec(f.n(res.stderr));
      expect(m, res.stderr).not.toBeNull();
      expect(m?.[1]).toMatch(DURATION);
      expect({ stdout: res.stdout, code: res.code }).toEqual({ stdout: '', code: 0 });
    });

    it('endpoint health -w table', async () => {
      const res = await run('endpoint', 'health', '-w', 'table');
      expectRun(res, { stdout: res.stdout, code: 0 });
      const t = parseTable(res.stdout, f.norm.cell);
      expect(t.header).toEqual(['ENDPOINT', 'HEALTH', 'TOOK', 'ERROR']);
      expect(t.rows).toHaveLength(1);
      expect(t.rows[0]?.[2]).toMatch(DURATION);
      expect(t.rows.map((r) => [r[0], r[1], r[3]])).toEqual([['<EP>', 'true', '']]);
    });

    it('endpoint health -w json', async () => {
      const res = await run('endpoint', 'health', '-w', 'json');
      const out = f.n(res.stdout);
      expect(/"took":"([^"]*)"/.exec(out)?.[1]).toMatch(DURATION);
      expectOk({ ...res, stdout: out.replace(/"took":"[^"]*"/, '"took":"<DUR>"') }, '[{"endpoint":"<EP>","health":true,"took":"<DUR>"}]\n');
    });

    it('endpoint health --cluster (endpoints from member list)', async () => {
      const res = await run('endpoint', 'health', '--cluster');
      expect({ stdout: res.stdout, code: res.code }).toEqual({ stdout: '', code: 0 });
      expect(f.n(res.stderr)).toMatch(/^<CLIENT_URL> is healthy: successfully committed proposal: took = \S+\n$/);
    });

    it('endpoint health with one dead endpoint', async () => {
      const dead = `127.0.0.1:${await deadPort()}`;
      const res = await f.ctl.run(['endpoint', 'health', '--command-timeout=2s'], { endpoints: [f.node.endpoint, dead] });
      const stderr = f.n(res.stderr).replace(/took = \S+/, 'took = <DUR>');
      expectRun(
        { ...res, stderr },
        {
          warn: 'any',
          stderr:
            '<EP> is healthy: successfully committed proposal: took = <DUR>\n' +
            `${dead} is unhealthy: failed to commit proposal: context deadline exceeded\n` +
            'Error: unhealthy cluster\n',
          code: 1,
        },
      );
    });
  });
});
