// etcd 3.4's Go gRPC clients of the lock and election services (v3lockpb.NewLockClient,
// v3electionpb.NewElectionClient) against a 3-member raftkv: the program in test/go/lockelectcheck
// runs contended locks, lease revocation, a Lock that times out, campaigns, proclamations and Observe, each client on a
// different member. Built in GOPATH mode against Debian's golang-etcd-server-dev sources (the same
// program passes against etcd 3.4.23). Without Go it is skipped, or fails under CI=true.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useClusters } from '../support/cluster.js';
import { isCI, prereqs } from '../support/env.js';
import { GoProgram, goMissing } from '../support/go-program.js';

const missing = goMissing(['clientv3', 'etcdserver/api/v3lock/v3lockpb', 'etcdserver/api/v3election/v3electionpb']);
const pre = prereqs({});

describe.skipIf(missing !== undefined && !isCI)('Go v3lockpb/v3electionpb clients (etcd 3.4) against a 3-member raftkv', () => {
  const fx = useClusters(pre);
  const work = mkdtempSync(path.join(os.tmpdir(), 'raftkv-go-lockelect-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('lock, lock after revoke, timed-out lock and election checks all pass', async () => {
    if (missing !== undefined) throw new Error(`required tool missing under CI=true: ${missing}`);
    const program = new GoProgram('lockelectcheck', work);
    const build = await program.build();
    expect(build.code, build.output).toBe(0);

    const cluster = await fx.start(3);
    const r = await program.run(cluster.endpoints());
    expect(r.verdicts, r.output).toEqual(['PASS lock', 'PASS lock-revoke', 'PASS lock-timeout', 'PASS election']);
    expect(r.code, r.output).toBe(0);
  }, 600_000);
});
