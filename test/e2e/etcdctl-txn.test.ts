// etcdctl 3.4 txn, non-interactive from stdin (and -i): success and failure
// branches, multiple compares, -w json, a --prefix get in a branch, empty
// stdin and bad syntax; plus two server-side txn validations. Reference: the
// "txn (stdin)" section of etcdctl-3.4-outputs.txt (revisions differ: here the
// node is fresh and seeded with txnkey=bar and /app/a../app/d at revs 2-6).
import { describe, it } from 'vitest';
import { prereqs } from '../support/env.js';
import { expectOk, expectRpcError, expectRun } from '../support/normalize.js';
import { useNode } from '../support/suite.js';

const pre = prereqs({ etcdctl: true });

describe.skipIf(pre.skip)('etcdctl txn', () => {
  const f = useNode(pre);
  const run = (...args: string[]) => f.ctl.run(args);
  const txn = (stdin: string, ...flags: string[]) => f.ctl.run(['txn', ...flags], { stdin });

  it('seed (revs 2-6)', async () => {
    expectOk(await run('put', 'txnkey', 'bar'), 'OK\n');
    expectOk(await run('put', '/app/a', '1'), 'OK\n');
    expectOk(await f.ctl.run(['put', '/app/b'], { stdin: 'from-stdin' }), 'OK\n');
    expectOk(await run('put', '--', '/app/c', '-dashval'), 'OK\n');
    expectOk(await run('put', '/app/d', 'line1 x\nline2'), 'OK\n');
  });

  it('txn non-interactive, compare true -> SUCCESS (rev 7)', async () => {
    expectOk(
      await txn('value("txnkey") = "bar"\n\nput txnkey baz\nget txnkey\n\nget txnkey\n\n'),
      'SUCCESS\n\nOK\n\ntxnkey\nbaz\n',
    );
  });

  it('txn non-interactive, compare false -> FAILURE (rev 8)', async () => {
    expectOk(
      await txn('value("txnkey") = "bar"\n\nput txnkey qux\n\nget txnkey\nput txnkey failed-branch\n\n'),
      'FAILURE\n\ntxnkey\nbaz\n\nOK\n',
    );
  });

  it('txn -i (interactive prompts on stdout), compare true (rev 9)', async () => {
    expectOk(
      await txn('value("txnkey") = "failed-branch"\n\nput txnkey from-i\n\nget txnkey\n\n', '-i'),
      'compares:\nsuccess requests (get, put, del):\nfailure requests (get, put, del):\nSUCCESS\n\nOK\n',
    );
  });

  it('txn multiple compares (mod, version, create) + del (rev 10)', async () => {
    expectOk(await txn('mod("txnkey") > "0"\nversion("txnkey") = "4"\ncreate("nope") = "0"\n\ndel txnkey\n\n\n'), 'SUCCESS\n\n1\n');
  });

  it('txn -w json (rev 11)', async () => {
    expectOk(
      await txn('version("txnkey") = "0"\n\nput txnkey j1\n\nget txnkey\n\n', '-w', 'json'),
      '{"header":{"cluster_id":<CLUSTER_ID>,"member_id":<MEMBER_ID>,"revision":11,"raft_term":<TERM>},' +
        '"succeeded":true,"responses":[{"Response":{"ResponsePut":{"header":{"revision":11}}}}]}\n',
      f.n,
    );
  });

  it('txn -w json, failure branch with a get', async () => {
    expectOk(
      await txn('value("txnkey") = "nope"\n\nput txnkey x\n\nget txnkey\n\n', '-w', 'json'),
      '{"header":{"cluster_id":<CLUSTER_ID>,"member_id":<MEMBER_ID>,"revision":11,"raft_term":<TERM>},' +
        '"responses":[{"Response":{"ResponseRange":{"header":{"revision":11},' +
        '"kvs":[{"key":"dHhua2V5","create_revision":11,"mod_revision":11,"version":1,"value":"ajE="}],"count":1}}}]}\n',
      f.n,
    );
  });

  it('txn with --prefix get in success branch', async () => {
    expectOk(
      await txn('version("txnkey") > "0"\n\nget --prefix /app/\n\n\n'),
      'SUCCESS\n\n/app/a\n1\n/app/b\nfrom-stdin\n/app/c\n-dashval\n/app/d\nline1 x\nline2\n',
    );
  });

  it('txn without compares runs the success branch (rev 12)', async () => {
    expectOk(await txn('\nput t1 a\nput t2 b\n\n\n'), 'SUCCESS\n\nOK\n\nOK\n');
    expectOk(await run('get', '--prefix', 't', '-w', 'json', '--keys-only'),
      '{"header":{"cluster_id":<CLUSTER_ID>,"member_id":<MEMBER_ID>,"revision":12,"raft_term":<TERM>},' +
        '"kvs":[{"key":"dDE=","create_revision":12,"mod_revision":12,"version":1},' +
        '{"key":"dDI=","create_revision":12,"mod_revision":12,"version":1},' +
        '{"key":"dHhua2V5","create_revision":11,"mod_revision":11,"version":1}],"count":3}\n',
      f.n,
    );
  });

  it('txn empty stdin (no compares/ops)', async () => {
    expectRun(await txn(''), { stderr: 'Error: EOF\n', code: 3 });
  });

  it('txn bad compare syntax (error)', async () => {
    expectRun(await txn('value(txnkey) == bar\n\n\n\n'), {
      stderr: 'Error: malformed comparison: value(txnkey) == bar; got value("")  ""\n',
      code: 3,
    });
  });

  it('txn with the same key put twice (error)', async () => {
    expectRpcError(await txn('\nput a 1\nput a 2\n\n\n'), 'InvalidArgument', 'etcdserver: duplicate key given in txn request');
  });

  it('txn with more than 128 operations (error)', async () => {
    const ops = Array.from({ length: 129 }, (_, i) => `put k${i} v\n`).join('');
    expectRpcError(await txn(`\n${ops}\n\n`), 'InvalidArgument', 'etcdserver: too many operations in txn request');
    expectOk(await run('get', 'k0'), ''); // nothing applied
  });
});
