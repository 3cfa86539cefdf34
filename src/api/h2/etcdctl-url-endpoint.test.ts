// Real etcdctl 3.4 with --endpoints=http://host:port: its per-endpoint commands
// send the whole URL as :authority, which nghttp2 alone rejects with
// RST_STREAM PROTOCOL_ERROR. Under CI=true a missing etcdctl fails these tests.
import { describe, expect, it } from 'vitest';
import { prereqs } from '../../../test/support/env.js';
import type { CtlResult } from '../../../test/support/etcdctl.js';
import { useNode } from '../../../test/support/suite.js';

const pre = prereqs({ etcdctl: true });

function expectSuccess(res: CtlResult): void {
  expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 0, stderr: expect.not.stringMatching(/RST_STREAM|PROTOCOL_ERROR/) as unknown });
}

describe.skipIf(pre.skip)('etcdctl with an http:// URL endpoint', () => {
  const f = useNode(pre);
  const run = (...args: string[]): Promise<CtlResult> => f.ctl.run(args, { endpoints: f.node.clientUrl });

  it('endpoint status', async () => {
    const res = await run('endpoint', 'status');
    expectSuccess(res);
    expect(res.stdout).toMatch(new RegExp(`^${f.node.clientUrl}, [0-9a-f]+, 3\\.4\\.\\d+, `));
  });

  it('endpoint health', async () => {
    const res = await run('endpoint', 'health');
    expectSuccess(res);
    expect(res.stdout + res.stderr).toContain(`${f.node.clientUrl} is healthy`);
  });

  it('endpoint status --cluster and hashkv, defrag', async () => {
    for (const args of [['endpoint', 'status', '--cluster'], ['endpoint', 'hashkv'], ['defrag']]) {
      const res = await run(...args);
      expectSuccess(res);
      expect(res.stdout).toContain(f.node.clientUrl);
    }
  });

  it('put + get', async () => {
    expectSuccess(await run('put', 'url-endpoint-key', 'v1'));
    const res = await run('get', 'url-endpoint-key');
    expectSuccess(res);
    expect(res.stdout).toBe('url-endpoint-key\nv1\n');
  });
});
