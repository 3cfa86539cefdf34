// TLS options beyond the basic cluster: --peer-cert-allowed-cn lets only that CN onto the peer
// port, even among certificates the trusted CA signed; --auto-tls and --peer-auto-tls make
// self-signed certificates in the data folder that etcdctl --insecure-skip-tls-verify accepts.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterPki } from '../../cluster/pki.js';
import { noTls } from '../../src/tls/settings.js';
import { PeerCredentials, fetchMembership } from '../../src/transport/index.js';
import { useClusters } from '../support/cluster.js';
import { RAFTKV_ENTRY, REPO_ROOT, prereqs } from '../support/env.js';
import { Etcdctl } from '../support/etcdctl.js';
import { freePort } from '../support/ports.js';
import { cleanEnv, killTree, spawnTracked, waitFor } from '../support/proc.js';

const pre = prereqs({ etcdctl: true });
const SKIP_VERIFY = ['--insecure-transport=false', '--insecure-skip-tls-verify'];
const CTL_ENTRY = path.join(REPO_ROOT, 'dist', 'src', 'bin', 'raftkvctl.js');

describe.skipIf(pre.skip)('TLS options (etcdctl)', () => {
  const fx = useClusters(pre);
  const started: { child: ChildProcess; dir: string }[] = [];

  afterEach(() => {
    for (const s of started.splice(0)) {
      killTree(s.child);
      rmSync(s.dir, { recursive: true, force: true });
    }
  });

  it('--peer-cert-allowed-cn refuses peers whose certificate carries another CN', async () => {
    const cluster = await fx.start(1, { tls: true, extraFlags: ['--peer-cert-allowed-cn', 'n1'] });
    const pki = new ClusterPki(path.join(cluster.baseDir, 'pki'));
    const peerUrl = cluster.running[0]!.peerUrl;
    const creds = async (cn: string): Promise<PeerCredentials> => {
      const m = await pki.member(cn);
      return new PeerCredentials({ ...noTls(), certFile: m.certFile, keyFile: m.keyFile, trustedCaFile: m.caFile });
    };
    const allowed = await fetchMembership([peerUrl], 3000, await creds('n1'));
    expect(allowed.members.map((m) => m.name)).toEqual(['n1']);
    await expect(fetchMembership([peerUrl], 3000, await creds('intruder'))).rejects.toThrow(/could not get the cluster's membership/);
    expect(cluster.running[0]!.logTail(50)).toMatch(/certificate CN not allowed/);
  });

  it('--auto-tls and --peer-auto-tls serve https with generated certificates', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'raftkv-autotls-'));
    const client = `https://127.0.0.1:${await freePort()}`;
    const peer = `https://127.0.0.1:${await freePort()}`;
    const dataDir = path.join(dir, 'data');
    const log = openSync(path.join(dir, 'node.log'), 'a');
    const child = spawnTracked(
      process.execPath,
      [
        RAFTKV_ENTRY, '--name', 'auto', '--data-dir', dataDir,
        '--listen-client-urls', client, '--advertise-client-urls', client,
        '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer,
        '--auto-tls', '--peer-auto-tls',
      ],
      { cwd: REPO_ROOT, env: cleanEnv(), stdio: ['ignore', log, log] },
    );
    closeSync(log);
    started.push({ child, dir });
    const ctl = new Etcdctl(client);
    await waitFor('the auto-TLS member to be healthy', async () => {
      // etcdctl 3.4 skips verification only with --insecure-transport=false too (as against etcd itself).
      const r = await ctl.run([...SKIP_VERIFY, '--dial-timeout=1s', 'endpoint', 'health']);
      return r.code === 0 ? r : undefined;
    }, 20_000, 200);
    const put = await ctl.run([...SKIP_VERIFY, 'put', 'k', 'v']);
    expect(put.stdout).toBe('OK\n');
    // raftkvctl too.
    const get = spawnSync(process.execPath, [CTL_ENTRY, `--endpoints=${client}`, '--insecure-skip-tls-verify', 'get', 'k'], { encoding: 'utf8', env: cleanEnv() });
    expect(get.status, get.stderr).toBe(0);
    expect(get.stdout).toBe('k\nv\n');
    // Without skipping verification, the self-signed certificate is not trusted.
    const strict = await ctl.run(['--dial-timeout=1s', '--command-timeout=2s', 'get', 'k']);
    expect(strict.code).not.toBe(0);
    for (const f of ['client/cert.pem', 'client/key.pem', 'peer/cert.pem', 'peer/key.pem']) {
      expect(existsSync(path.join(dataDir, 'fixtures', f)), f).toBe(true);
    }
  });
});
