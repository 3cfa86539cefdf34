// A real etcd 3.4 cluster of n members on loopback, for tests that compare raftkv with it.
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EtcdClient } from '../../src/client/index.js';
import { etcdPath } from './env.js';
import { freePort } from './ports.js';
import { cleanEnv, killTree, sleep, spawnTracked } from './proc.js';

export interface EtcdCluster {
  /** "127.0.0.1:PORT" of each member, in member order. */
  endpoints: string[];
  stop(): Promise<void>;
}

export async function startEtcdCluster(n: number): Promise<EtcdCluster> {
  const bin = etcdPath();
  if (bin === null) throw new Error('etcd (Debian package etcd-server) is not on PATH');
  const base = mkdtempSync(path.join(os.tmpdir(), 'raftkv-etcd-cluster-'));
  const ports = await Promise.all(Array.from({ length: n }, async () => ({ client: await freePort(), peer: await freePort() })));
  const initial = ports.map((p, i) => `e${i + 1}=http://127.0.0.1:${p.peer}`).join(',');
  const children: ChildProcess[] = ports.map((p, i) => {
    const log = openSync(path.join(base, `e${i + 1}.log`), 'w');
    const child = spawnTracked(
      bin,
      [
        '--name', `e${i + 1}`,
        '--data-dir', path.join(base, `e${i + 1}`),
        '--listen-client-urls', `http://127.0.0.1:${p.client}`,
        '--advertise-client-urls', `http://127.0.0.1:${p.client}`,
        '--listen-peer-urls', `http://127.0.0.1:${p.peer}`,
        '--initial-advertise-peer-urls', `http://127.0.0.1:${p.peer}`,
        '--initial-cluster', initial,
        '--initial-cluster-token', 'raftkv-diff',
        '--initial-cluster-state', 'new',
      ],
      { env: cleanEnv(), stdio: ['ignore', log, log] },
    );
    closeSync(log);
    return child;
  });
  const endpoints = ports.map((p) => `127.0.0.1:${p.client}`);
  const stop = async (): Promise<void> => {
    for (const c of children) killTree(c);
    await sleep(200);
    rmSync(base, { recursive: true, force: true });
  };
  const c = new EtcdClient(endpoints, { timeoutMs: 2000 });
  try {
    for (let i = 0; ; i++) {
      try {
        await c.range('/etcd-cluster-ready'); // a linearizable read: there is a leader; no revision spent
        break;
      } catch (e) {
        if (i > 100) {
          await stop();
          throw e;
        }
        await sleep(200);
      }
    }
  } finally {
    c.close();
  }
  return { endpoints, stop };
}
