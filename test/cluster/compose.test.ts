// docker-compose.yml and `npm run cluster` describe the same cluster: every
// service's ETCD_* environment (etcd's variable for each flag) is the flags LocalCluster runs for the node of the same name
// (same flags, same values up to host names, ports and the data dir path),
// publishes that node's client port, and its healthcheck (raftkvctl endpoint health) works
// against a real node. `docker compose config -q` runs only where a compose
// binary exists (no Docker engine is needed for it).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCluster, DEFAULT_TOKEN } from '../../cluster/local-cluster.js';
import { fixedPorts } from '../../cluster/ports.js';
import { buildCommand, toOptions, type DaemonOptions } from '../../src/daemon/flags.js';
import { findOnPath, REPO_ROOT } from '../support/env.js';
import { parseYaml, type YamlValue } from '../support/mini-yaml.js';
import { startNode, type NodeHandle } from '../support/node.js';
import { freePort } from '../support/ports.js';

type YamlMap = { [key: string]: YamlValue };

function asMap(v: YamlValue | undefined, what: string): YamlMap {
  if (v === null || v === undefined || typeof v === 'string' || Array.isArray(v)) throw new Error(`${what} is not a mapping`);
  return v;
}

function asStrings(v: YamlValue | undefined, what: string): string[] {
  if (!Array.isArray(v) || !v.every((x): x is string => typeof x === 'string')) throw new Error(`${what} is not a list of strings`);
  return v;
}

interface Ports {
  client: number;
  peer: number;
}

/**
 * `--flag value` / `--flag=value` pairs as flag -> value, with the parts that
 * legitimately differ between Docker and loopback replaced: every URL's host
 * by HOST (checked separately), its port by CLIENT/PEER of the member it
 * belongs to, the data dir by DATA.
 */
function normalizedFlags(args: readonly string[], self: string, portsOf: (name: string) => Ports): Record<string, string> {
  const out: Record<string, string> = {};
  const url = (u: string, owner: string): string => {
    const p = new URL(u);
    const own = portsOf(owner);
    const port = Number(p.port) === own.client ? 'CLIENT' : Number(p.port) === own.peer ? 'PEER' : p.port;
    return `${p.protocol}//HOST:${port}`;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    expect(a.startsWith('--'), `argument ${a} of ${self} should be a flag`).toBe(true);
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const value = eq > 0 ? a.slice(eq + 1) : (args[++i] as string);
    expect(out[flag], `${flag} given twice for ${self}`).toBeUndefined();
    let v = value;
    if (flag === '--data-dir') v = 'DATA';
    else if (flag.endsWith('-urls')) v = value.split(',').map((u) => url(u, self)).join(',');
    else if (flag === '--initial-cluster') {
      v = value
        .split(',')
        .map((pair) => {
          const [name, u] = pair.split('=') as [string, string];
          return `${name}=${url(u, name)}`;
        })
        .join(',');
    }
    out[flag] = v;
  }
  return out;
}

/** A service's `environment:` (ETCD_<FLAG>: "value") as the command line it stands for. */
function envAsFlags(env: YamlMap, what: string): string[] {
  return Object.entries(env).flatMap(([key, value]) => {
    expect(key, `${what}: ${key} is not an ETCD_* variable`).toMatch(/^ETCD_[A-Z0-9_]+$/);
    if (typeof value !== 'string') throw new Error(`${what}.${key} is not a string`);
    return [`--${key.slice('ETCD_'.length).toLowerCase().replace(/_/g, '-')}`, value];
  });
}

/** What the server makes of these ETCD_* variables alone (as in the container: no flags). */
function optionsFromEnv(env: YamlMap): DaemonOptions {
  const parsed = buildCommand('test').exitOverride().configureOutput({ writeErr: () => undefined });
  const saved = Object.keys(env).map((k) => [k, process.env[k]] as const);
  try {
    for (const [k, v] of Object.entries(env)) process.env[k] = v as string;
    parsed.parse(['node', 'raftkv']);
    return toOptions(parsed.opts());
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Host names of every URL in the flags (listen vs advertise checked separately). */
function urlHosts(args: readonly string[], flag: string): string[] {
  const i = args.indexOf(flag);
  const value = args[i + 1] as string;
  return value.split(',').map((pair) => new URL(pair.includes('=') ? pair.slice(pair.indexOf('=') + 1) : pair).hostname);
}

const COMPOSE_PATH = path.join(REPO_ROOT, 'docker-compose.yml');
const compose = asMap(parseYaml(readFileSync(COMPOSE_PATH, 'utf8')), 'docker-compose.yml');
const services = asMap(compose['services'], 'services');
const NAMES = ['n1', 'n2', 'n3'];

function composeCommand(): string[] | null {
  if (findOnPath('docker-compose') !== null) return ['docker-compose'];
  if (findOnPath('docker') !== null && spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) {
    return ['docker', 'compose'];
  }
  return null;
}

describe('docker-compose.yml matches the local launcher', () => {
  let launcherArgs = new Map<string, readonly string[]>();
  let tmp = '';

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'raftkv-compose-'));
    // What `npm run cluster` runs: default (fixed) ports and token; nothing is started.
    const cluster = new LocalCluster({ baseDir: path.join(tmp, 'cluster-data') });
    const nodes = await cluster.prepare(3);
    launcherArgs = new Map(nodes.map((n) => [n.name, n.args]));
  });

  afterAll(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  it('has exactly the services n1, n2, n3 and their named volumes', () => {
    expect(Object.keys(services).sort()).toEqual(NAMES);
    expect(Object.keys(asMap(compose['volumes'], 'volumes')).sort()).toEqual(NAMES.map((n) => `${n}-data`));
  });

  it.each(NAMES)('%s runs the launcher flags (modulo hosts, ports, data dir)', (name) => {
    const svc = asMap(services[name], name);
    // Configured through the environment only, as etcd's images are (the image has no CMD flags).
    expect(svc['command'], `${name} has a command`).toBeUndefined();
    const env = asMap(svc['environment'], `${name}.environment`);
    const cmd = envAsFlags(env, `${name}.environment`);
    const local = launcherArgs.get(name);
    if (local === undefined) throw new Error(`launcher has no ${name}`);
    const idx = NAMES.indexOf(name);

    const dockerFlags = normalizedFlags(cmd, name, () => ({ client: 2379, peer: 2380 }));
    const localFlags = normalizedFlags(local, name, (n) => fixedPorts(NAMES.indexOf(n)));
    expect(dockerFlags).toEqual(localFlags);
    expect(dockerFlags['--initial-cluster-token']).toBe(DEFAULT_TOKEN);
    expect(dockerFlags['--initial-cluster-state']).toBe('new');
    expect(dockerFlags['--name']).toBe(name);

    // Hosts: containers listen on every interface and advertise their service name.
    expect(urlHosts(cmd, '--listen-client-urls')).toEqual(['0.0.0.0']);
    expect(urlHosts(cmd, '--listen-peer-urls')).toEqual(['0.0.0.0']);
    expect(urlHosts(cmd, '--advertise-client-urls')).toEqual([name]);
    expect(urlHosts(cmd, '--initial-advertise-peer-urls')).toEqual([name]);
    expect(urlHosts(cmd, '--initial-cluster')).toEqual(NAMES);
    expect(urlHosts([...local], '--advertise-client-urls')).toEqual(['127.0.0.1']);

    // The host port is the launcher's client port for this node; data on the named volume.
    expect(asStrings(svc['ports'], `${name}.ports`)).toEqual([`${fixedPorts(idx).client}:2379`]);
    const dataDir = cmd[cmd.indexOf('--data-dir') + 1];
    expect(dataDir).toBe('/var/lib/raftkv');
    expect(asStrings(svc['volumes'], `${name}.volumes`)).toEqual([`${name}-data:${dataDir}`]);
    expect(svc['build']).toBe('.');

    // The server's own flag parser reads the cluster from these variables (no flags given).
    const opts = optionsFromEnv(env);
    expect(opts.config.name).toBe(name);
    expect(opts.config.initialCluster.map((m) => m.name)).toEqual(NAMES);
    expect(opts.config.initialClusterToken).toBe(DEFAULT_TOKEN);
  });

  it('the Dockerfile runs the server with the data dir compose mounts', () => {
    const dockerfile = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "\/app\/dist\/src\/bin\/raftkv\.js"\]$/m);
    expect(dockerfile).toMatch(/^VOLUME \["\/var\/lib\/raftkv"\]$/m);
    // Its defaults are ETCD_* variables too (flags in a CMD would shadow compose's environment).
    expect(dockerfile).toMatch(/ETCD_DATA_DIR=\/var\/lib\/raftkv/);
    expect(dockerfile).not.toMatch(/^CMD /m);
  });

  it('the image build copies every directory tsconfig.json compiles (else `npm run build` fails in it)', () => {
    const dockerfile = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');
    const tsconfig = JSON.parse(readFileSync(path.join(REPO_ROOT, 'tsconfig.json'), 'utf8')) as { include: string[] };
    const dirs = [...new Set(tsconfig.include.map((g) => g.split('/')[0] as string))].sort();
    const copied = [...dockerfile.matchAll(/^COPY (\S+) \.\/(\S+)$/gm)].filter((m) => m[1] === m[2]).map((m) => m[1] as string);
    expect(dirs.filter((d) => !copied.includes(d)), 'directories tsconfig includes but the Dockerfile does not COPY').toEqual([]);
  });

  describe('healthcheck', () => {
    let node: NodeHandle | undefined;
    beforeAll(async () => {
      node = await startNode({ name: 'hc' });
    });
    afterAll(async () => {
      await node?.stop();
    });

    const command = (): string[] => {
      const commands = NAMES.map((n) => {
        const hc = asMap(asMap(services[n], n)['healthcheck'], `${n}.healthcheck`);
        return asStrings(hc['test'], `${n}.healthcheck.test`);
      });
      expect(new Set(commands.map((c) => JSON.stringify(c))).size).toBe(1);
      const c = commands[0] as string[];
      // The image puts raftkvctl on the PATH (Dockerfile); compose would interpolate "$".
      expect(c.slice(0, 2)).toEqual(['CMD', 'raftkvctl']);
      expect(c.join(' ')).not.toContain('$');
      expect(c).toContain('--endpoints=127.0.0.1:2379');
      return c.slice(2);
    };

    const run = (args: string[], endpoint: string): number => {
      const local = args.map((a) => a.replace('127.0.0.1:2379', endpoint));
      const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'src', 'bin', 'raftkvctl.js'), ...local], {
        cwd: REPO_ROOT,
        timeout: 15_000,
        encoding: 'utf8',
      });
      if (r.status !== 0 && r.status !== 1) throw new Error(`healthcheck crashed (status ${r.status}): ${r.stderr}`);
      return r.status;
    };

    it('passes against a serving node and fails against a dead port', async () => {
      const args = command();
      if (node === undefined) throw new Error('node not started');
      expect(run(args, node.endpoint)).toBe(0);
      expect(run(args, `127.0.0.1:${await freePort()}`)).toBe(1);
    });
  });

  const composeCmd = composeCommand();
  it.skipIf(composeCmd === null)('`docker compose config -q` accepts the file and its TLS variant', () => {
    const [cmd, ...pre] = composeCmd as string[];
    for (const file of [COMPOSE_PATH, path.join(REPO_ROOT, 'docker-compose.tls.yml')]) {
      execFileSync(cmd as string, [...pre, '-f', file, 'config', '-q'], { cwd: REPO_ROOT, stdio: 'pipe' });
    }
  });
});

describe('docker-compose.tls.yml is docker-compose.yml with TLS on both ports', () => {
  const tls = asMap(parseYaml(readFileSync(path.join(REPO_ROOT, 'docker-compose.tls.yml'), 'utf8')), 'docker-compose.tls.yml');
  const tlsServices = asMap(tls['services'], 'services');
  const PKI = '/etc/raftkv/pki';

  it('has the same services, ports and volumes', () => {
    expect(Object.keys(tlsServices).sort()).toEqual(NAMES);
    expect(tls['volumes']).toEqual(compose['volumes']);
    for (const n of NAMES) {
      const plain = asMap(services[n], n);
      const svc = asMap(tlsServices[n], n);
      expect(svc['ports']).toEqual(plain['ports']);
      expect(svc['container_name']).toBe(n);
    }
  });

  it.each(NAMES)('%s: the plain variables with https URLs, plus certificate auth on both ports', (name) => {
    const env = asMap(asMap(tlsServices[name], name)['environment'], `${name}.environment`);
    const plain = asMap(asMap(services[name], name)['environment'], `${name}.environment`);
    const tlsVars = {
      ETCD_CERT_FILE: `${PKI}/${name}.crt`,
      ETCD_KEY_FILE: `${PKI}/${name}.key`,
      ETCD_TRUSTED_CA_FILE: `${PKI}/ca.crt`,
      ETCD_CLIENT_CERT_AUTH: 'true',
      ETCD_PEER_CERT_FILE: `${PKI}/${name}.crt`,
      ETCD_PEER_KEY_FILE: `${PKI}/${name}.key`,
      ETCD_PEER_TRUSTED_CA_FILE: `${PKI}/ca.crt`,
      ETCD_PEER_CLIENT_CERT_AUTH: 'true',
    };
    const https = Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, (v as string).replace(/http:\/\//g, 'https://')]));
    expect(env).toEqual({ ...https, ...tlsVars });

    const opts = optionsFromEnv(env);
    for (const t of [opts.config.clientTls, opts.config.peerTls]) {
      expect(t).toMatchObject({ certFile: `${PKI}/${name}.crt`, keyFile: `${PKI}/${name}.key`, trustedCaFile: `${PKI}/ca.crt`, clientCertAuth: true });
    }

    // Every file named is mounted read-only from what `npm run compose:tls-certs` writes; the CA key is not.
    const volumes = asStrings(asMap(tlsServices[name], name)['volumes'], `${name}.volumes`);
    const mounted = volumes.filter((v) => v.startsWith('./cluster-data/docker-pki/'));
    const files = ['ca.crt', `${name}.crt`, `${name}.key`, 'client.crt', 'client.key'];
    expect(mounted.sort()).toEqual(files.map((f) => `./cluster-data/docker-pki/${f}:${PKI}/${f}:ro`).sort());

    // The healthcheck speaks https with the client certificate.
    const hc = asStrings(asMap(asMap(tlsServices[name], name)['healthcheck'], 'healthcheck')['test'], 'healthcheck.test');
    expect(hc.slice(0, 2)).toEqual(['CMD', 'raftkvctl']);
    expect(hc).toEqual(expect.arrayContaining(['--endpoints=https://127.0.0.1:2379', `--cacert=${PKI}/ca.crt`, `--cert=${PKI}/client.crt`, `--key=${PKI}/client.key`, 'endpoint', 'health']));
  });
});
