// etcd's own alarm test (tests/e2e/ctl_v3_alarm_test.go, alarmTest) with its quota of 13 pages,
// --quota-backend-bytes=53248: a small put succeeds on a fresh member, 4 KiB puts to one key fill
// it until "database space exceeded" and the NOSPACE alarm, puts are refused while it is up, and
// compact + defrag + disarm make room for a small put again. Passes against etcd 3.4.23 too
// (RAFTKV_TEST_TARGET=etcd).
import { describe, expect, it } from 'vitest';
import { prereqs } from '../support/env.js';
import { expectOk } from '../support/normalize.js';
import { useNode } from '../support/suite.js';

const pre = prereqs({ etcdctl: true });
const QUOTA = 13 * 4096;
const NOSPACE = 'etcdserver: mvcc: database space exceeded';

describe.skipIf(pre.skip)(`--quota-backend-bytes=${QUOTA}`, () => {
  const f = useNode(pre, { extraFlags: [`--quota-backend-bytes=${QUOTA}`] });
  const run = (...args: string[]) => f.ctl.run(args);

  it('a small put succeeds on a fresh member', async () => {
    expectOk(await run('put', '1st_test', 'a'.repeat(64)), 'OK\n');
  });

  it('4 KiB puts fill it until NOSPACE; the alarm is up and puts are refused', async () => {
    let failure = '';
    for (let i = 0; i < 200 && failure === ''; i++) {
      const r = await run('put', '2nd_test', 'b'.repeat(4096));
      if (r.code !== 0) failure = r.stderr;
    }
    expect(failure).toContain(NOSPACE);
    expectOk(await run('alarm', 'list'), 'memberID:<MEMBER_ID> alarm:NOSPACE \n', f.n);
    const refused = await run('put', '3rd_test', 'a'.repeat(64));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(NOSPACE);
  });

  it('compact + defrag + disarm: a small put succeeds again', async () => {
    const rev = /"revision":(\d+)/.exec((await run('get', '1st_test', '-w', 'json')).stdout)?.[1] ?? '';
    expectOk(await run('compaction', '--physical', rev), `compacted revision ${rev}\n`);
    expectOk(await run('defrag'), 'Finished defragmenting etcd member[<EP>]\n', f.n);
    expectOk(await run('alarm', 'disarm'), 'memberID:<MEMBER_ID> alarm:NOSPACE \n', f.n);
    expectOk(await run('put', '4th_test', 'a'.repeat(64)), 'OK\n');
  });
});
