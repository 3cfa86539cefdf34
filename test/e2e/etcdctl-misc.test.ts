// etcdctl 3.4 misc: dead endpoint, unknown command, ETCDCTL_ENDPOINTS
// (alone, and in conflict with --endpoints), URL-style endpoints, and the
// server's request-size limit (--max-request-bytes) and space quota
// (--quota-backend-bytes: NOSPACE alarm, alarm list/disarm). Reference: the
// "misc errors" section of etcdctl-3.4-outputs.txt; the limits are etcd
// behaviour exercised through flags the daemon shares with etcd.
import { describe, expect, it } from 'vitest';
import { prereqs } from '../support/env.js';
import { RawEtcdClient } from '../support/grpc.js';
import { expectOk, expectRpcError, expectRun, parseTable } from '../support/normalize.js';
import { deadPort } from '../support/ports.js';
import { useNode } from '../support/suite.js';

const pre = prereqs({ etcdctl: true });

const MAX_REQUEST_BYTES = 64 * 1024;
const QUOTA_BYTES = 4 * 1024 * 1024;

describe.skipIf(pre.skip)('etcdctl misc', () => {
  const f = useNode(pre, {
    extraFlags: [`--max-request-bytes=${MAX_REQUEST_BYTES}`, `--quota-backend-bytes=${QUOTA_BYTES}`],
  });
  const run = (...args: string[]) => f.ctl.run(args);

  it('seed /app/a (rev 2)', async () => {
    expectOk(await run('put', '/app/a', '1'), 'OK\n');
  });

  it('get against a dead endpoint', async () => {
    const dead = `127.0.0.1:${await deadPort()}`;
    expectRun(await f.ctl.run(['--dial-timeout=1s', '--command-timeout=1s', 'get', 'foo'], { endpoints: dead }), {
      warn: ['rpc error: code = DeadlineExceeded desc = latest balancer error: all SubConns are in TransientFailure'],
      stderr: 'Error: context deadline exceeded\n',
      code: 1,
    });
  });

  it('unknown command', async () => {
    expectRun(await run('frobnicate'), {
      stderr:
        'Error: unknown command "frobnicate" for "etcdctl"\nRun \'etcdctl --help\' for usage.\nError: unknown command "frobnicate" for "etcdctl"\n',
      code: 1,
    });
  });

  it('ETCDCTL_ENDPOINTS env + --endpoints flag both set (fatal conflict)', async () => {
    const res = await f.ctl.run(['get', 'foo'], { env: { ETCDCTL_ENDPOINTS: f.node.endpoint } });
    const stderr = res.stderr.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ /, '<TS> ');
    expectRun(
      { ...res, stderr },
      {
        stderr:
          '<TS> C | pkg/flags: conflicting environment variable "ETCDCTL_ENDPOINTS" is shadowed by corresponding command-line flag ' +
          '(either unset environment variable or disable flag)\n',
        code: 1,
      },
    );
  });

  it('ETCDCTL_ENDPOINTS env only', async () => {
    expectOk(await f.ctl.run(['get', '/app/a'], { endpoints: null, env: { ETCDCTL_ENDPOINTS: f.node.endpoint } }), '/app/a\n1\n');
  });

  it('--endpoints given as a URL', async () => {
    expectOk(await f.ctl.run(['get', '/app/a'], { endpoints: f.node.clientUrl }), '/app/a\n1\n');
  });

  it(`put larger than --max-request-bytes=${MAX_REQUEST_BYTES} (error)`, async () => {
    const big = 'x'.repeat(MAX_REQUEST_BYTES + 1024);
    expectRpcError(await f.ctl.run(['put', 'big'], { stdin: big }), 'InvalidArgument', 'etcdserver: request is too large');
    expectOk(await run('get', 'big'), '');
    // just under the limit is fine (rev 3)
    expectOk(await f.ctl.run(['put', 'big'], { stdin: 'x'.repeat(MAX_REQUEST_BYTES - 1024) }), 'OK\n');
    expectOk(await run('del', 'big'), '1\n'); // rev 4
  });

  describe(`--quota-backend-bytes=${QUOTA_BYTES}`, () => {
    it('writes fail with NOSPACE once the quota is exceeded, and the alarm is raised', async () => {
      const c = new RawEtcdClient(f.node.endpoint);
      const value = 'v'.repeat(32 * 1024);
      let failure = '';
      try {
        for (let i = 0; i < 1000 && failure === ''; i++) {
          try {
            await c.put(`/fill/${String(i).padStart(4, '0')}`, value);
          } catch (e) {
            failure = e instanceof Error ? e.message : String(e);
          }
        }
      } finally {
        c.close();
      }
      expect(failure).toBe('8 RESOURCE_EXHAUSTED: etcdserver: mvcc: database space exceeded');
      expectOk(await run('alarm', 'list'), 'memberID:<MEMBER_ID> alarm:NOSPACE \n', f.n);
    });

    it('put while NOSPACE (error)', async () => {
      expectRpcError(await run('put', 'k', 'v'), 'ResourceExhausted', 'etcdserver: mvcc: database space exceeded');
    });

    it('reads and deletes still work while NOSPACE', async () => {
      expectOk(await run('get', '/app/a'), '/app/a\n1\n');
      const res = await run('del', '--prefix', '/fill/');
      expect({ stderr: res.stderr, code: res.code }).toEqual({ stderr: '', code: 0 });
      expect(Number(res.stdout.trim())).toBeGreaterThan(0);
    });

    it('endpoint status -w table shows the alarm in ERRORS', async () => {
      const res = await run('endpoint', 'status', '-w', 'table');
      expectRun(res, { stdout: res.stdout, code: 0 });
      const t = parseTable(res.stdout, f.norm.cell);
      expect(t.rows[0]?.[9]).toBe('memberID:<MEMBER_ID> alarm:NOSPACE');
    });

    it('compact + defrag + alarm disarm recovers', async () => {
      const rev = (await run('get', '/app/a', '-w', 'json')).stdout.match(/"revision":(\d+)/)?.[1] ?? '';
      expectOk(await run('compaction', '--physical', rev), `compacted revision ${rev}\n`);
      expectOk(await run('defrag'), 'Finished defragmenting etcd member[<EP>]\n', f.n);
      expectOk(
        await run('alarm', 'disarm'),
        'memberID:<MEMBER_ID> alarm:NOSPACE \n',
        f.n,
      );
      expectOk(await run('alarm', 'list'), '');
      expectOk(await run('put', 'k', 'v'), 'OK\n');
      expectOk(await run('get', 'k'), 'k\nv\n');
    });
  });
});
