// Patroni (Debian's 3.0.2, PostgreSQL's standard failover manager) with raftkv as its store. Its
// etcd3 backend speaks only the JSON gateway: /version, member list, range/put/txn/deleterange,
// lease grant and keepalive, and a long-lived watch. Two Patroni members over a 3-member raftkv
// cluster must form a leader and a streaming replica, and fail over when the leader dies.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useClusters } from '../support/cluster.js';
import { isCI, prereqs } from '../support/env.js';
import { PatroniMember, patroniMissing, type ClusterView } from '../support/patroni.js';
import { waitFor } from '../support/proc.js';

const SCOPE = 'raftkvtest';
const missing = patroniMissing();
const base = prereqs({});
const pre = { ...base, skip: base.skip || (missing.length > 0 && !isCI) };

const roleOf = (v: ClusterView | undefined, name: string): string | undefined => v?.members.find((m) => m.name === name)?.role;
const stateOf = (v: ClusterView | undefined, name: string): string | undefined => v?.members.find((m) => m.name === name)?.state;

describe.skipIf(pre.skip)('Patroni on raftkv (etcd3 backend, through the JSON gateway)', () => {
  const fx = useClusters(pre);
  const c = fx.shared(3);
  let dir = '';
  const members: PatroniMember[] = [];

  beforeAll(async () => {
    if (missing.length > 0) throw new Error(`required tool missing under CI=true: ${missing.join('; ')}`);
    dir = mkdtempSync(path.join(os.tmpdir(), 'raftkv-patroni-'));
    for (const name of ['pg1', 'pg2']) {
      members.push(await PatroniMember.create({ scope: SCOPE, name, baseDir: dir, etcdHosts: c().endpoints() }));
    }
  });

  afterAll(() => {
    for (const m of members) m.kill();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  const logs = (): string => members.map((m) => `--- ${m.name}\n${m.logText().split('\n').slice(-40).join('\n')}`).join('\n');

  it('forms a leader and a streaming replica; a row written on the leader reaches the replica', async () => {
    const [pg1, pg2] = members as [PatroniMember, PatroniMember];
    pg1.start();
    await waitFor('pg1 to lead', async () => (roleOf(await pg1.cluster(), 'pg1') === 'leader' ? true : undefined), 90_000, 500).catch((e: Error) => {
      throw new Error(`${e.message}\n${logs()}`);
    });
    pg2.start();
    await waitFor('pg2 to run as a replica', async () => {
      const v = await pg1.cluster();
      return roleOf(v, 'pg2') === 'replica' && stateOf(v, 'pg2') === 'running' ? true : undefined;
    }, 120_000, 500).catch((e: Error) => {
      throw new Error(`${e.message}\n${logs()}`);
    });
    // Streaming, as PostgreSQL itself reports it on the primary.
    await waitFor('a streaming standby on pg1', () => (pg1.sql("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") === '1' ? true : undefined), 30_000, 500);

    pg1.sql('CREATE TABLE failover_check (id int PRIMARY KEY, note text)');
    pg1.sql("INSERT INTO failover_check VALUES (1, 'written on pg1')");
    const row = await waitFor('the row on pg2', () => {
      const out = pg2.sql('SELECT note FROM failover_check WHERE id = 1');
      return out === '' ? undefined : out;
    }, 30_000, 200);
    expect(row).toBe('written on pg1');

    const client = c().client();
    try {
      const leaderKey = await client.range(`/service/${SCOPE}/leader`);
      expect(Buffer.from(leaderKey.kvs[0]?.value ?? []).toString()).toBe('pg1');
    } finally {
      client.close();
    }
  }, 240_000);

  it('SIGKILL of the leader: the replica is promoted, takes writes, and holds the leader key', async () => {
    const [pg1, pg2] = members as [PatroniMember, PatroniMember];
    pg1.kill();
    await waitFor('pg2 to be promoted', async () => (roleOf(await pg2.cluster(), 'pg2') === 'leader' ? true : undefined), 60_000, 500).catch((e: Error) => {
      throw new Error(`${e.message}\n${logs()}`);
    });
    await waitFor('pg2 to accept writes', () => {
      try {
        pg2.sql("INSERT INTO failover_check VALUES (2, 'written on pg2')");
        return true;
      } catch {
        return undefined;
      }
    }, 30_000, 500);
    expect(pg2.sql('SELECT count(*) FROM failover_check')).toBe('2');
    const client = c().client();
    try {
      const leaderKey = await client.range(`/service/${SCOPE}/leader`);
      expect(Buffer.from(leaderKey.kvs[0]?.value ?? []).toString()).toBe('pg2');
    } finally {
      client.close();
    }
  }, 240_000);
});
