// docker-compose.yml as shipped, for real: build the image (the base image offline when it
// is missing), bring up n1..n3, and check what an operator does with them: health, membership,
// put/get across members, stop and SIGKILL of the leader with writes through the survivors,
// catch-up after restart, raftkvctl inside the containers. Then down -v, and the private
// dockerd goes with its temp dir. Run by `npm run test:compose` (vitest.compose.config.ts),
// after `npm test` in .ci/run; needs root, docker.io, docker-compose and debootstrap.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prereqsFrom, REPO_ROOT } from '../support/env.js';
import { hostNet, missingDockerTools, PrivateDocker, restoreHostNet, type HostNet } from '../support/private-docker.js';

const COMPOSE_FILE = path.join(REPO_ROOT, 'docker-compose.yml');
const TLS_COMPOSE_FILE = path.join(REPO_ROOT, 'docker-compose.tls.yml');
const NAMES = ['n1', 'n2', 'n3'] as const;
type Name = (typeof NAMES)[number];
const HOST_PORTS: Record<Name, number> = { n1: 2379, n2: 22379, n3: 32379 };
// Rebuilding the base image's rootfs takes minutes; its tarball is kept outside the repo.
const BASE_CACHE = path.join(os.tmpdir(), 'raftkv-base-image-cache');
const RAFTKVCTL = path.join(REPO_ROOT, 'dist', 'src', 'bin', 'raftkvctl.js');

const pre = prereqsFrom(missingDockerTools());
const skip = pre.skip;

async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const v = probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = (e as Error).message;
    }
    await sleep(500);
  }
  throw new Error(`${what}: not reached within ${timeoutMs} ms${last === '' ? '' : ` (last error: ${last})`}`);
}

describe.skipIf(skip)('docker-compose.yml, built and run with a private dockerd', () => {
  let docker: PrivateDocker | undefined;
  let netBefore: HostNet | undefined;
  const d = (): PrivateDocker => {
    if (docker === undefined) throw new Error('dockerd not started');
    return docker;
  };
  const compose = (...args: string[]): string => d().compose(COMPOSE_FILE, args, 300_000);
  // The TLS variant runs from a project directory in the daemon's temp dir, where its certificates are.
  let tlsProject: string | undefined;
  const composeTls = (...args: string[]): string =>
    d().run('docker-compose', ['-f', TLS_COMPOSE_FILE, '--project-directory', tlsProject ?? '', '-p', 'raftkv-tls', ...args], 300_000);
  /** raftkvctl inside container `name`, as `docker exec name raftkvctl ...`. */
  const ctl = (name: Name, ...args: string[]): string => d().docker(['exec', name, 'raftkvctl', '--command-timeout=10s', ...args]);
  const health = (name: Name): string => d().docker(['inspect', '-f', '{{.State.Health.Status}}', name]).trim();
  const allEndpoints = (names: readonly Name[]): string => `--endpoints=${names.map((n) => `${n}:2379`).join(',')}`;

  /** The member that leads, as seen through `via` (endpoint status, simple format: endpoint, id, version, size, leader, ...). */
  const leader = (via: Name, names: readonly Name[]): Name | undefined => {
    const out = ctl(via, allEndpoints(names), 'endpoint', 'status');
    const row = out
      .trim()
      .split('\n')
      .map((l) => l.split(', '))
      .find((f) => f[4] === 'true');
    const name = row?.[0]?.split(':')[0];
    return NAMES.find((n) => n === name);
  };
  const waitHealthy = (names: readonly Name[]): Promise<true> =>
    until(`${names.join(', ')} healthy`, 120_000, () => (names.every((n) => health(n) === 'healthy') ? true : undefined));
  /** A write through `via` that may first meet the election after a leader loss. */
  const putVia = (via: Name, key: string, value: string): Promise<true> =>
    until(`put ${key} through ${via}`, 30_000, () => (ctl(via, 'put', key, value).trim() === 'OK' ? true : undefined));
  /** A serializable (local) read: what this member itself has applied. */
  const localGet = (name: Name, key: string): string => ctl(name, 'get', key, '--print-value-only', '--consistency=s').trim();

  beforeAll(async () => {
    pre.assert();
    netBefore = hostNet();
    docker = await PrivateDocker.start(mkdtempSync(path.join(os.tmpdir(), 'raftkv-dockerd-')));
    const base = spawnSync(path.join(REPO_ROOT, 'scripts', 'build-base-image.sh'), ['--cache', BASE_CACHE], {
      env: docker.env,
      encoding: 'utf8',
      timeout: 600_000,
    });
    if (base.status !== 0) throw new Error(`scripts/build-base-image.sh failed: ${base.stderr}${base.stdout}`);
    // The compose file's image; the private daemon has no iptables, so the build uses the host network.
    d().docker(['build', '--network', 'host', '-t', 'raftkv:local', REPO_ROOT], 600_000);
    compose('up', '-d', '--no-build');
  }, 1_500_000);

  afterAll(async () => {
    try {
      if (docker !== undefined) {
        compose('down', '-v', '--remove-orphans');
        if (tlsProject !== undefined) composeTls('down', '-v', '--remove-orphans');
        expect(d().docker(['ps', '-aq']).trim(), 'containers left after down -v').toBe('');
        expect(d().docker(['volume', 'ls', '-q']).trim(), 'volumes left after down -v').toBe('');
        const networks = d().docker(['network', 'ls', '--format', '{{.Name}}']).trim().split('\n').sort();
        expect(networks, 'networks left after down -v').toEqual(['host', 'none']);
      }
    } finally {
      await docker?.stop();
      if (netBefore !== undefined) {
        restoreHostNet(netBefore);
        expect(hostNet(), 'host networking after the test').toEqual(netBefore);
      }
    }
  }, 180_000);

  it('the image ships the product only: no tests, test helpers, dev tools or dev dependencies', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const sh = (script: string): string[] =>
      d().docker(['run', '--rm', '--entrypoint', 'sh', 'raftkv:local', '-c', script]).trim().split('\n').filter((l) => l !== '');
    expect(sh('ls -A /app').sort()).toEqual(['dist', 'node_modules', 'package.json']);
    // The daemon, and the web console's bundle (built at image build time).
    expect(sh('ls -A /app/dist').sort()).toEqual(['console', 'src']);
    expect(sh('ls -A /app/dist/console').sort()).toEqual(['app.css', 'app.js', 'index.html']);
    expect(sh('find /app/dist -name "*.test.js" -o -name "test" -o -name "*.ts"'), 'test files in the image').toEqual([]);
    // What `npm prune --omit=dev` keeps: production dependencies and what they need.
    const modules = new Set(sh('cd /app/node_modules && ls -d * @*/*'));
    const prodTree = new Set(sh('cd /app && npm ls --omit=dev --all --parseable 2>/dev/null | sed "s|.*/node_modules/||"'));
    const devShipped = Object.keys(pkg.devDependencies).filter((dep) => modules.has(dep) && !prodTree.has(dep));
    expect(devShipped, 'devDependencies in the image').toEqual([]);
    expect(modules.has('vitest') || modules.has('typescript'), 'dev tools in the image').toBe(false);
  });

  it('brings three healthy members up, each reachable on its published port', async () => {
    await waitHealthy(NAMES);
    for (const n of NAMES) {
      const r = spawnSync(process.execPath, [RAFTKVCTL, `--endpoints=127.0.0.1:${HOST_PORTS[n]}`, 'endpoint', 'health'], { encoding: 'utf8', timeout: 20_000 });
      expect(r.status, `${n} on 127.0.0.1:${HOST_PORTS[n]}: ${r.stderr}`).toBe(0);
      expect(r.stdout + r.stderr).toContain(`127.0.0.1:${HOST_PORTS[n]} is healthy`);
    }
    // The web console is served from the image's bundle.
    const page = await fetch(`http://127.0.0.1:${HOST_PORTS.n1}/ui/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).toContain('app.js');
  });

  it('runs the tutorial lines with raftkvctl inside the containers', () => {
    // docker exec -it -e "ETCDCTL_API=3" etcd etcdctl member list -w table
    const table = d().docker(['exec', '-e', 'ETCDCTL_API=3', 'n1', 'raftkvctl', 'member', 'list', '-w', 'table']);
    expect(table).toMatch(/\| +ID +\| +STATUS +\| +NAME +\| +PEER ADDRS +\| +CLIENT ADDRS +\| +IS LEARNER +\|/);
    for (const n of NAMES) expect(table).toMatch(new RegExp(`\\| started \\| +${n} \\| http://${n}:2380 \\| http://${n}:2379 \\| +false \\|`));
    // docker exec <id> sh -c "ETCDCTL_API=3 etcdctl --endpoints=... endpoint health"
    const healthOut = d().docker(['exec', 'n2', 'sh', '-c', `ETCDCTL_API=3 raftkvctl ${allEndpoints(NAMES)} endpoint health 2>&1`]);
    for (const n of NAMES) expect(healthOut).toMatch(new RegExp(`^${n}:2379 is healthy: successfully committed proposal: took = `, 'm'));
    // docker exec -it -e "ETCDCTL_API=3" etcd etcdctl lock /registry/configs/default/lockkey (here with a command, so it returns)
    const locked = d().docker(['exec', '-e', 'ETCDCTL_API=3', 'n3', 'raftkvctl', 'lock', '/registry/configs/default/lockkey', 'echo', 'held']);
    expect(locked.trim()).toBe('held');
  });

  it('a write through one member is read through the others', () => {
    expect(ctl('n1', 'put', 'compose/k1', 'v1').trim()).toBe('OK');
    for (const n of NAMES) expect(ctl(n, 'get', 'compose/k1', '--print-value-only').trim()).toBe('v1');
  });

  it('survives `docker-compose stop` of the leader, and the leader catches up after start', async () => {
    const old = await until('a leader', 30_000, () => leader('n1', NAMES));
    const survivors = NAMES.filter((n) => n !== old);
    const [s1, s2] = survivors as [Name, Name];
    compose('stop', old);
    const next = await until('a new leader', 30_000, () => leader(s1, survivors));
    expect(survivors).toContain(next);
    await putVia(s1, 'compose/k2', 'after-stop');
    expect(ctl(s2, 'get', 'compose/k2', '--print-value-only').trim()).toBe('after-stop');
    compose('start', old);
    await waitHealthy([old]);
    await until(`${old} catches up`, 30_000, () => (localGet(old, 'compose/k2') === 'after-stop' ? true : undefined));
  });

  it('survives SIGKILL of the leader: writes go through the survivors, and the restarted member catches up', async () => {
    const old = await until('a leader', 30_000, () => leader('n1', NAMES) ?? leader('n2', NAMES));
    const survivors = NAMES.filter((n) => n !== old);
    const [s1, s2] = survivors as [Name, Name];
    const restartsBefore = Number(d().docker(['inspect', '-f', '{{.RestartCount}}', old]).trim());
    // A crash, not a stop: the node process (PID 1 of the container) dies from the host's side,
    // so the restart policy (unless-stopped) brings the container back.
    const pid = Number(d().docker(['inspect', '-f', '{{.State.Pid}}', old]).trim());
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    await putVia(s1, 'compose/k3', 'after-kill');
    expect(ctl(s2, 'get', 'compose/k3', '--print-value-only').trim()).toBe('after-kill');
    await until(`${old} restarted by its restart policy`, 60_000, () =>
      Number(d().docker(['inspect', '-f', '{{.RestartCount}}', old]).trim()) > restartsBefore ? true : undefined,
    );
    await waitHealthy(NAMES);
    await until(`${old} catches up`, 30_000, () => (localGet(old, 'compose/k3') === 'after-kill' ? true : undefined));
    expect(ctl(old, 'member', 'list').trim().split('\n')).toHaveLength(3);
  });

  it('docker-compose.tls.yml: TLS between members and on client ports, with client certificates', async () => {
    compose('down', '-v');
    tlsProject = path.join(d().dir, 'tls-project');
    const pki = path.join(tlsProject, 'cluster-data', 'docker-pki');
    const certs = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist-dev', 'scripts', 'compose-tls-certs.js'), '--dir', pki], { encoding: 'utf8', timeout: 60_000 });
    expect(certs.status, certs.stderr).toBe(0);
    composeTls('up', '-d', '--no-build');
    await waitHealthy(NAMES);
    // docker exec <id> sh -c "ETCDCTL_API=3 etcdctl --cacert=... --cert=... --key=... --endpoints=https://...,https://... endpoint health"
    const tlsFlags = ['--cacert=/etc/raftkv/pki/ca.crt', '--cert=/etc/raftkv/pki/client.crt', '--key=/etc/raftkv/pki/client.key'];
    const endpoints = `--endpoints=${NAMES.map((n) => `https://${n}:2379`).join(',')}`;
    const healthOut = d().docker(['exec', 'n1', 'sh', '-c', `ETCDCTL_API=3 raftkvctl ${tlsFlags.join(' ')} ${endpoints} endpoint health 2>&1`]);
    for (const n of NAMES) expect(healthOut).toMatch(new RegExp(`^https://${n}:2379 is healthy: successfully committed proposal: took = `, 'm'));
    const table = d().docker(['exec', 'n2', 'raftkvctl', ...tlsFlags, '--endpoints=https://n2:2379', 'member', 'list', '-w', 'table']);
    for (const n of NAMES) expect(table).toMatch(new RegExp(`\\| started \\| +${n} \\| https://${n}:2380 \\| https://${n}:2379 \\| +false \\|`));
    // From the host, through the published ports: with the client certificate, and without.
    const host = (port: number, withCert: boolean, ...args: string[]) =>
      spawnSync(
        process.execPath,
        [RAFTKVCTL, `--endpoints=https://127.0.0.1:${port}`, `--cacert=${pki}/ca.crt`, ...(withCert ? [`--cert=${pki}/client.crt`, `--key=${pki}/client.key`] : []), '--command-timeout=5s', '--dial-timeout=3s', ...args],
        { encoding: 'utf8', timeout: 30_000 },
      );
    const put = host(HOST_PORTS.n1, true, 'put', 'tls/k', 'v');
    expect(put.stdout.trim(), put.stderr).toBe('OK');
    expect(host(HOST_PORTS.n3, true, 'get', 'tls/k', '--print-value-only').stdout.trim()).toBe('v');
    expect(host(HOST_PORTS.n2, false, 'get', 'tls/k').status, 'a client without a certificate').not.toBe(0);
  });
});
