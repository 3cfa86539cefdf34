// etcd 3.4's Go client (clientv3, the client of the tutorial) against a 3-member raftkv: the Go
// program in test/go/clientv3check runs concurrency.NewMutex with several contenders, Election,
// STM, Watch and leases, each client on a different member. It is built here in GOPATH mode against
// Debian's golang-etcd-server-dev sources. Without Go it is skipped, or fails under CI=true.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useClusters } from '../support/cluster.js';
import { isCI, prereqs } from '../support/env.js';
import { GoProgram, goMissing } from '../support/go-program.js';

const missing = goMissing(['clientv3']);
const pre = prereqs({});

describe.skipIf(missing !== undefined && !isCI)('Go clientv3 (etcd 3.4) against a 3-member raftkv', () => {
  const fx = useClusters(pre);
  const work = mkdtempSync(path.join(os.tmpdir(), 'raftkv-go-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('mutex, election, STM, watch and lease checks all pass', async () => {
    if (missing !== undefined) throw new Error(`required tool missing under CI=true: ${missing}`);
    const program = new GoProgram('clientv3check', work);
    const build = await program.build();
    expect(build.code, build.output).toBe(0);

    const cluster = await fx.start(3);
    const r = await program.run(cluster.endpoints());
    expect(r.verdicts, r.output).toEqual(['PASS mutex', 'PASS election', 'PASS stm', 'PASS watch', 'PASS lease']);
    expect(r.code, r.output).toBe(0);
  }, 600_000);
});
