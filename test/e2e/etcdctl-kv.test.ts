// etcdctl 3.4 put / get / del against a fresh single node, replaying the
// reference recording's sequence of writes from revision 1, so every revision
// in the expected outputs is etcd's own (see etcdctl-3.4-outputs.txt, sections
// version, put, get, del, and "get -w protobuf").
import { describe, expect, it } from 'vitest';
import { prereqs } from '../support/env.js';
import { expectOk, expectRpcError, expectRun } from '../support/normalize.js';
import { decode, bytesField } from '../support/protobuf.js';
import { decodeHeader } from '../support/grpc.js';
import { useNode } from '../support/suite.js';
import { GET_COUNT_ONLY_STDERR, GET_USAGE } from './etcdctl-usage.js';

const pre = prereqs({ etcdctl: true });

describe.skipIf(pre.skip)('etcdctl put/get/del', () => {
  const f = useNode(pre);
  const run = (...args: string[]) => f.ctl.run(args);

  it('version', async () => {
    expectOk(await run('version'), 'etcdctl version: 3.4.23\nAPI version: 3.4\n');
  });

  describe('put', () => {
    it('put plain (rev 2) and a second key (rev 3)', async () => {
      expectOk(await run('put', 'foo', 'bar'), 'OK\n');
      expectOk(await run('put', 'foo2', 'bar2'), 'OK\n');
    });

    it('put --prev-kv (overwrite, rev 4)', async () => {
      expectOk(await run('put', 'foo', 'bar', '--prev-kv'), 'OK\nfoo\nbar\n');
    });

    it('put -w json (rev 5)', async () => {
      expectOk(
        await run('put', '/app/a', '1', '-w', 'json'),
        '{"header":{"cluster_id":<CLUSTER_ID>,"member_id":<MEMBER_ID>,"revision":5,"raft_term":<TERM>}}\n',
        f.n,
      );
    });

    it('put value from stdin (no value arg, rev 6)', async () => {
      expectOk(await f.ctl.run(['put', '/app/b'], { stdin: 'from-stdin' }), 'OK\n');
    });

    it('put value starting with dash (needs --, rev 7)', async () => {
      expectOk(await run('put', '--', '/app/c', '-dashval'), 'OK\n');
    });

    it('put value with spaces and newline (rev 8)', async () => {
      expectOk(await run('put', '/app/d', 'line1 x\nline2'), 'OK\n');
    });

    it('put empty key (error)', async () => {
      expectRpcError(await run('put', '', 'x'), 'InvalidArgument', 'etcdserver: key is not provided');
    });

    it('put missing args (error, exit 128)', async () => {
      expectRun(await run('put'), {
        stderr: 'Error: put command needs 1 argument and input from stdin or 2 arguments\n',
        code: 128,
      });
    });

    it('put --ignore-value on existing key (rev 9)', async () => {
      expectOk(await run('put', 'foo', '--ignore-value'), 'OK\n');
    });

    it('put --ignore-value on missing key (error)', async () => {
      expectRpcError(await run('put', 'nokey', '--ignore-value'), 'InvalidArgument', 'etcdserver: key not found');
    });
  });

  describe('get', () => {
    it('seeds /p/a../p/e (revs 10-14)', async () => {
      for (const k of ['a', 'b', 'c', 'd', 'e']) expectOk(await run('put', `/p/${k}`, `v${k}`), 'OK\n');
    });

    it('get plain', async () => {
      expectOk(await run('get', 'foo'), 'foo\nbar\n');
    });

    it('get missing key (empty output)', async () => {
      expectOk(await run('get', 'no-such-key'), '');
    });

    it('get --prefix', async () => {
      expectOk(await run('get', '--prefix', '/p/'), '/p/a\nva\n/p/b\nvb\n/p/c\nvc\n/p/d\nvd\n/p/e\nve\n');
    });

    it('get --prefix --keys-only', async () => {
      expectOk(await run('get', '--prefix', '/p/', '--keys-only'), '/p/a\n\n/p/b\n\n/p/c\n\n/p/d\n\n/p/e\n\n');
    });

    it('get --prefix --print-value-only', async () => {
      expectOk(await run('get', '--prefix', '/p/', '--print-value-only'), 'va\nvb\nvc\nvd\nve\n');
    });

    it('get --prefix --limit=2', async () => {
      expectOk(await run('get', '--prefix', '/p/', '--limit=2'), '/p/a\nva\n/p/b\nvb\n');
    });

    it('get --from-key /p/c', async () => {
      expectOk(await run('get', '--from-key', '/p/c'), '/p/c\nvc\n/p/d\nvd\n/p/e\nve\nfoo\nbar\nfoo2\nbar2\n');
    });

    it("get --from-key '' --keys-only (all keys)", async () => {
      expectOk(
        await run('get', '--from-key', '', '--keys-only'),
        '/app/a\n\n/app/b\n\n/app/c\n\n/app/d\n\n/p/a\n\n/p/b\n\n/p/c\n\n/p/d\n\n/p/e\n\nfoo\n\nfoo2\n\n',
      );
    });

    it('get --prefix --order=DESCEND', async () => {
      expectOk(await run('get', '--prefix', '/p/', '--order=DESCEND'), '/p/e\nve\n/p/d\nvd\n/p/c\nvc\n/p/b\nvb\n/p/a\nva\n');
    });

    it('get --prefix --sort-by=MODIFY --order=DESCEND --keys-only', async () => {
      expectOk(
        await run('get', '--prefix', '/p/', '--sort-by=MODIFY', '--order=DESCEND', '--keys-only'),
        '/p/e\n\n/p/d\n\n/p/c\n\n/p/b\n\n/p/a\n\n',
      );
    });

    it('get --sort-by=VALUE / CREATE / VERSION / KEY (ascending)', async () => {
      expectOk(await run('get', '--prefix', '/app/', '--sort-by=VALUE', '--keys-only'), '/app/c\n\n/app/a\n\n/app/b\n\n/app/d\n\n');
      expectOk(await run('get', '--prefix', '/p/', '--sort-by=CREATE', '--order=DESCEND', '--print-value-only'), 've\nvd\nvc\nvb\nva\n');
      expectOk(await run('get', '--from-key', 'f', '--sort-by=VERSION', '--order=DESCEND', '--keys-only'), 'foo\n\nfoo2\n\n');
      expectOk(await run('get', '--prefix', '/p/', '--sort-by=KEY', '--limit=1', '--order=DESCEND'), '/p/e\nve\n');
    });

    it('get range [start,end)', async () => {
      expectOk(await run('get', '/p/b', '/p/d'), '/p/b\nvb\n/p/c\nvc\n');
    });

    it('get --rev=<older mod_revision of foo>', async () => {
      expectOk(await run('get', 'foo', '--rev=9'), 'foo\nbar\n');
      expectOk(await run('get', 'foo', '--rev=3'), 'foo\nbar\n');
      expectOk(await run('get', 'foo', '--rev=1'), '');
      expectOk(await run('get', '--prefix', '/p/', '--rev=11', '--keys-only'), '/p/a\n\n/p/b\n\n');
    });

    it('get (current, after update: rev 15)', async () => {
      expectOk(await run('put', 'foo', 'bar-updated'), 'OK\n');
      expectOk(await run('get', 'foo'), 'foo\nbar-updated\n');
    });

    it('get -w json', async () => {
      expectOk(
        await run('get', 'foo', '-w', 'json'),
        '{"header":{"cluster_id":<CLUSTER_ID>,"member_id":<MEMBER_ID>,"revision":15,"raft_term":<TERM>},' +
          '"kvs":[{"key":"Zm9v","create_revision":2,"mod_revision":15,"version":4,"value":"YmFyLXVwZGF0ZWQ="}],"count":1}\n',
        f.n,
      );
    });

    it('get --prefix --limit=2 -w json (more, count)', async () => {
      expectOk(
        await run('get', '--prefix', '/p/', '--limit=2', '-w', 'json'),
        '{"header":{"cluster_id":<CLUSTER_ID>,"member_id":<MEMBER_ID>,"revision":15,"raft_term":<TERM>},' +
          '"kvs":[{"key":"L3AvYQ==","create_revision":10,"mod_revision":10,"version":1,"value":"dmE="},' +
          '{"key":"L3AvYg==","create_revision":11,"mod_revision":11,"version":1,"value":"dmI="}],"more":true,"count":5}\n',
        f.n,
      );
    });

    it('get missing key -w json', async () => {
      expectOk(
        await run('get', 'no-such-key', '-w', 'json'),
        '{"header":{"cluster_id":<CLUSTER_ID>,"member_id":<MEMBER_ID>,"revision":15,"raft_term":<TERM>}}\n',
        f.n,
      );
    });

    it('get --keys-only -w json (no values)', async () => {
      expectOk(
        await run('get', '/p/a', '--keys-only', '-w', 'json'),
        '{"header":{"cluster_id":<CLUSTER_ID>,"member_id":<MEMBER_ID>,"revision":15,"raft_term":<TERM>},' +
          '"kvs":[{"key":"L3AvYQ==","create_revision":10,"mod_revision":10,"version":1}],"count":1}\n',
        f.n,
      );
    });

    it('get -w fields', async () => {
      expectOk(
        await run('get', 'foo', '-w', 'fields'),
        '"ClusterID" : <CLUSTER_ID>\n"MemberID" : <MEMBER_ID>\n"Revision" : 15\n"RaftTerm" : <TERM>\n' +
          '"Key" : "foo"\n"CreateRevision" : 2\n"ModRevision" : 15\n"Version" : 4\n"Value" : "bar-updated"\n' +
          '"Lease" : 0\n"More" : false\n"Count" : 1\n',
        f.n,
      );
    });

    it('get -w table (error, exit 4)', async () => {
      expectRun(await run('get', '--prefix', '/p/', '--limit=2', '-w', 'table'), {
        stderr: 'Error: table not supported as output format\n',
        code: 4,
      });
    });

    it('get --hex', async () => {
      expectOk(await run('get', 'foo', '--hex'), '\\x66\\x6f\\x6f\n\\x62\\x61\\x72\\x2d\\x75\\x70\\x64\\x61\\x74\\x65\\x64\n');
    });

    it('get --consistency=s', async () => {
      expectOk(await run('get', 'foo', '--consistency=s'), 'foo\nbar-updated\n');
    });

    it('get multi-line value', async () => {
      expectOk(await run('get', '/app/d'), '/app/d\nline1 x\nline2\n');
    });

    it('get values written from stdin and with a leading dash', async () => {
      expectOk(await run('get', '--prefix', '/app/', '--print-value-only'), '1\nfrom-stdin\n-dashval\nline1 x\nline2\n');
    });

    it('get --rev in the future (error)', async () => {
      expectRpcError(await run('get', 'foo', '--rev=100'), 'OutOfRange', 'etcdserver: mvcc: required revision is a future revision');
    });

    it('get --count-only (not in 3.4: usage + error)', async () => {
      expectRun(await run('get', '--prefix', '/p/', '--count-only'), {
        stdout: GET_USAGE,
        stderr: GET_COUNT_ONLY_STDERR,
        code: 1,
      });
    });
  });

  describe('del', () => {
    it('del plain (rev 16)', async () => {
      expectOk(await run('del', 'foo2'), '1\n');
    });

    it('del missing key', async () => {
      expectOk(await run('del', 'foo2'), '0\n');
    });

    it('del --prev-kv (rev 17)', async () => {
      expectOk(await run('del', '/p/a', '--prev-kv'), '1\n/p/a\nva\n');
    });

    it('del --prefix (rev 18)', async () => {
      expectOk(await run('del', '--prefix', '/p/'), '4\n');
      expectOk(await run('get', '--prefix', '/p/'), '');
    });

    it('del --prefix --prev-kv -w json (revs 19-21)', async () => {
      expectOk(await run('put', '/q/1', 'x'), 'OK\n');
      expectOk(await run('put', '/q/2', 'y'), 'OK\n');
      expectOk(
        await run('del', '--prefix', '/q/', '--prev-kv', '-w', 'json'),
        '{"header":{"cluster_id":<CLUSTER_ID>,"member_id":<MEMBER_ID>,"revision":21,"raft_term":<TERM>},"deleted":2,' +
          '"prev_kvs":[{"key":"L3EvMQ==","create_revision":19,"mod_revision":19,"version":1,"value":"eA=="},' +
          '{"key":"L3EvMg==","create_revision":20,"mod_revision":20,"version":1,"value":"eQ=="}]}\n',
        f.n,
      );
    });

    it('del -w json of a missing key (no revision bump)', async () => {
      expectOk(
        await run('del', '/q/1', '-w', 'json'),
        '{"header":{"cluster_id":<CLUSTER_ID>,"member_id":<MEMBER_ID>,"revision":21,"raft_term":<TERM>}}\n',
        f.n,
      );
    });

    it('del --from-key (revs 22-24; deletes /r/2 and foo)', async () => {
      expectOk(await run('put', '/r/1', 'x'), 'OK\n');
      expectOk(await run('put', '/r/2', 'y'), 'OK\n');
      expectOk(await run('del', '--from-key', '/r/2'), '2\n');
      expectOk(await run('get', '--from-key', '', '--keys-only'), '/app/a\n\n/app/b\n\n/app/c\n\n/app/d\n\n/r/1\n\n');
    });

    it('del range [start,end)', async () => {
      expectOk(await run('del', '/app/b', '/app/d'), '2\n');
      expectOk(await run('get', '--prefix', '/app/', '--keys-only'), '/app/a\n\n/app/d\n\n');
    });
  });

  it('get -w protobuf (binary RangeResponse)', async () => {
    const res = await run('get', '/app/a', '-w', 'protobuf');
    expect({ stderr: res.stderr, code: res.code }).toEqual({ stderr: '', code: 0 });
    // RangeResponse: 1 header {cluster_id, member_id, revision, raft_term}, 2 kvs, 4 count.
    const buf = res.stdoutBytes;
    expect(buf[0]).toBe(0x0a);
    const fields = decode(buf);
    expect(fields.map((x) => x.no)).toEqual([1, 2, 4]);
    const header = decodeHeader(bytesField(fields, 1));
    expect(header.clusterId).toBe(f.norm.clusterId);
    expect(header.memberId).toBe(f.norm.memberId);
    expect(header.revision).toBe(25n);
    expect(header.raftTerm > 0n).toBe(true);
    // Everything after the header, byte for byte as etcd encodes it:
    // kvs {key "/app/a", create_revision 5, mod_revision 5, version 1, value "1"}, count 1.
    const headerLen = 2 + bytesField(fields, 1).length;
    const tail = buf.subarray(headerLen);
    expect([...tail]).toEqual([
      0x12, 0x11, 0x0a, 0x06, ...Buffer.from('/app/a'), 0x10, 0x05, 0x18, 0x05, 0x20, 0x01, 0x2a, 0x01, 0x31, 0x20, 0x01,
    ]);
  });
});
