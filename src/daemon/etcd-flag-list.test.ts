import { describe, expect, it } from 'vitest';
import { buildCommand, toOptions, type RawFlags } from './flags.js';
import { givenInertFlags } from './inert-flags.js';

// Every flag of `etcd --help` in etcd 3.4.23, with the default its help shows.
const ETCD_34_FLAGS = `
--name 'default';--data-dir '\${name}.etcd';--wal-dir '';--snapshot-count '100000';--heartbeat-interval '100';
--election-timeout '1000';--initial-election-tick-advance 'true';--listen-peer-urls 'http://localhost:2380';
--listen-client-urls 'http://localhost:2379';--max-snapshots '5';--max-wals '5';--quota-backend-bytes '0';
--backend-batch-interval '';--backend-batch-limit '0';--max-txn-ops '128';--max-request-bytes '1572864';
--max-concurrent-streams 'math.MaxUint32';--grpc-keepalive-min-time '5s';--grpc-keepalive-interval '2h';
--grpc-keepalive-timeout '20s';--initial-advertise-peer-urls 'http://localhost:2380';
--initial-cluster 'default=http://localhost:2380';--initial-cluster-state 'new';--initial-cluster-token 'etcd-cluster';
--advertise-client-urls 'http://localhost:2379';--discovery '';--discovery-fallback 'proxy';--discovery-proxy '';
--discovery-srv '';--discovery-srv-name '';--strict-reconfig-check 'true';--pre-vote 'false';
--auto-compaction-retention '0';--auto-compaction-mode 'periodic';--enable-v2 'false';--cert-file '';--key-file '';
--client-cert-auth 'false';--client-crl-file '';--client-cert-allowed-hostname '';--trusted-ca-file '';--auto-tls 'false';
--peer-cert-file '';--peer-key-file '';--peer-client-cert-auth 'false';--peer-trusted-ca-file '';--peer-cert-allowed-cn '';
--peer-cert-allowed-hostname '';--peer-auto-tls 'false';--peer-crl-file '';--cipher-suites '';--cors '*';
--host-whitelist '*';--auth-token 'simple';--bcrypt-cost 10;--auth-token-ttl 300;--enable-pprof 'false';
--metrics 'basic';--listen-metrics-urls '';--logger 'capnslog';--log-outputs 'default';--log-level 'info';--proxy 'off';
--proxy-failure-wait 5000;--proxy-refresh-interval 30000;--proxy-dial-timeout 1000;--proxy-write-timeout 5000;
--proxy-read-timeout 0;--experimental-initial-corrupt-check 'false';--experimental-corrupt-check-time '0s';
--experimental-enable-v2v3 '';--experimental-backend-bbolt-freelist-type 'array';
--experimental-enable-lease-checkpoint 'false';--experimental-compaction-batch-limit 1000;
--experimental-peer-skip-client-san-verification 'false';--experimental-watch-progress-notify-interval '10m';
--experimental-warning-apply-duration '100ms';--force-new-cluster 'false';--debug 'false';--log-package-levels '';
--config-file ''`;

function flagList(): { flag: string; def: string }[] {
  return ETCD_34_FLAGS.split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const m = /^--([a-z0-9-]+) '?([^']*)'?$/.exec(s);
      if (m === null) throw new Error(`bad entry ${s}`);
      return { flag: m[1]!, def: m[2]! };
    });
}

/** A value to give each flag: its documented default, or a plausible one where that is empty or symbolic. */
const SAMPLE: Record<string, string> = {
  'data-dir': '/tmp/x.etcd',
  'wal-dir': '/tmp/wal',
  'backend-batch-interval': '10ms',
  'max-concurrent-streams': '4294967295',
  discovery: 'https://discovery.etcd.io/abc',
  'discovery-proxy': 'http://proxy:8080',
  'discovery-srv': 'example.com',
  'discovery-srv-name': 'x',
  'cert-file': 'c.crt',
  'key-file': 'c.key',
  'client-crl-file': 'c.crl',
  'client-cert-allowed-hostname': 'client.example.com',
  'trusted-ca-file': 'ca.crt',
  'peer-cert-file': 'p.crt',
  'peer-key-file': 'p.key',
  'peer-trusted-ca-file': 'pca.crt',
  'peer-cert-allowed-cn': 'peer',
  'peer-cert-allowed-hostname': 'peer.example.com',
  'peer-crl-file': 'p.crl',
  'cipher-suites': 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'listen-metrics-urls': 'http://127.0.0.1:2381',
  'experimental-enable-v2v3': '/v2/',
  'log-package-levels': 'etcdserver=DEBUG',
  'config-file': '/etc/etcd/etcd.conf.yml',
};

/** The flags raftkv acts on; every other 3.4 flag must be accepted with a no-effect warning. */
const IMPLEMENTED = new Set([
  'name', 'data-dir', 'snapshot-count', 'heartbeat-interval', 'election-timeout', 'listen-peer-urls', 'listen-client-urls',
  'quota-backend-bytes', 'max-txn-ops', 'max-request-bytes', 'max-concurrent-streams', 'grpc-keepalive-interval',
  'grpc-keepalive-timeout', 'initial-advertise-peer-urls', 'initial-cluster', 'initial-cluster-state', 'initial-cluster-token',
  'advertise-client-urls', 'strict-reconfig-check', 'auto-compaction-retention', 'auto-compaction-mode', 'cert-file', 'key-file',
  'client-cert-auth', 'trusted-ca-file', 'auto-tls', 'peer-cert-file', 'peer-key-file', 'peer-client-cert-auth',
  'peer-trusted-ca-file', 'peer-cert-allowed-cn', 'peer-auto-tls', 'cipher-suites', 'enable-pprof', 'listen-metrics-urls',
  'logger', 'log-outputs', 'log-level', 'experimental-initial-corrupt-check', 'experimental-corrupt-check-time',
  'experimental-watch-progress-notify-interval', 'debug', 'auth-token', 'bcrypt-cost', 'auth-token-ttl',
]);

function parse(argv: string[]) {
  const cmd = buildCommand('test').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  cmd.parse(argv, { from: 'user' });
  return { cmd, opts: toOptions(cmd.opts<RawFlags>(), givenInertFlags(cmd)) };
}

describe("etcd 3.4's whole flag list", () => {
  const flags = flagList();

  it('holds every flag of etcd --help (80 and --config-file)', () => {
    expect(flags.length).toBe(81);
  });

  it.each(flagList())('--$flag is implemented or accepted with a no-effect warning', ({ flag, def }) => {
    const value = SAMPLE[flag] ?? def;
    const { cmd, opts } = parse([`--${flag}=${value}`]);
    const warned = (opts.inertFlags ?? []).map((f) => f.flag);
    const attr = flag.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
    expect(cmd.getOptionValueSource(attr)).toBe('cli');
    if (IMPLEMENTED.has(flag)) expect(warned).toEqual([]);
    else expect(warned).toEqual([`--${flag}`]);
  });

  it('an inert flag is also accepted from its ETCD_* variable, and warned about', () => {
    process.env['ETCD_PRE_VOTE'] = 'true';
    try {
      expect(parse([]).opts.inertFlags).toEqual([{ flag: '--pre-vote', why: 'the Raft layer does not run the pre-vote phase' }]);
    } finally {
      delete process.env['ETCD_PRE_VOTE'];
    }
  });

  it('boolean flags take the bare and =false forms', () => {
    for (const f of flags.filter((x) => x.def === 'true' || x.def === 'false')) {
      expect(() => parse([`--${f.flag}`])).not.toThrow();
      expect(() => parse([`--${f.flag}=false`])).not.toThrow();
    }
  });
});

describe('the implemented operator flags', () => {
  it("take etcd's defaults", () => {
    const { opts } = parse([]);
    expect(opts.config.ops).toEqual({
      listenMetricsUrls: [],
      autoCompaction: { mode: 'off' },
      watchProgressNotifyIntervalMs: 600_000,
      strictReconfigCheck: true,
      initialCorruptCheck: false,
      corruptCheckIntervalMs: 0,
      grpc: { keepaliveIntervalMs: 7_200_000, keepaliveTimeoutMs: 20_000, maxConcurrentStreams: 4294967295 },
      enablePprof: false,
    });
    expect(opts.logOutputs).toEqual(['default']);
    expect(opts.logLevel).toBe('info');
  });

  it('parse Go durations, booleans and lists', () => {
    const { opts } = parse([
      '--listen-metrics-urls=http://127.0.0.1:2381,http://[::1]:2381',
      '--experimental-watch-progress-notify-interval=1m30s',
      '--strict-reconfig-check=false',
      '--experimental-initial-corrupt-check',
      '--experimental-corrupt-check-time=5m',
      '--grpc-keepalive-interval=0',
      '--grpc-keepalive-timeout=3s',
      '--max-concurrent-streams=10',
      '--enable-pprof',
      '--log-outputs=stdout,/var/log/etcd.log',
      '--debug',
    ]);
    expect(opts.config.ops).toMatchObject({
      listenMetricsUrls: ['http://127.0.0.1:2381', 'http://[::1]:2381'],
      watchProgressNotifyIntervalMs: 90_000,
      strictReconfigCheck: false,
      initialCorruptCheck: true,
      corruptCheckIntervalMs: 300_000,
      grpc: { keepaliveIntervalMs: 0, keepaliveTimeoutMs: 3000, maxConcurrentStreams: 10 },
      enablePprof: true,
    });
    expect(opts.logOutputs).toEqual(['stdout', '/var/log/etcd.log']);
    expect(opts.logLevel).toBe('debug');
  });

  it.each([
    ['periodic', '0', { mode: 'off' }],
    ['periodic', '1', { mode: 'periodic', retentionMs: 3_600_000 }],
    ['periodic', '72', { mode: 'periodic', retentionMs: 72 * 3_600_000 }],
    ['periodic', '30m', { mode: 'periodic', retentionMs: 1_800_000 }],
    ['revision', '1000', { mode: 'revision', retention: 1000 }],
    ['revision', '0', { mode: 'off' }],
  ])('--auto-compaction-mode=%s --auto-compaction-retention=%s', (mode, retention, want) => {
    expect(parse([`--auto-compaction-mode=${mode}`, `--auto-compaction-retention=${retention}`]).opts.config.ops.autoCompaction).toEqual(want);
  });

  it("refuse what etcd refuses, in etcd's words", () => {
    expect(() => parse(['--auto-compaction-mode=foo', '--auto-compaction-retention=1'])).toThrow('unknown auto-compaction-mode "foo"');
    expect(() => parse(['--auto-compaction-retention=abc'])).toThrow('error parsing CompactionRetention: time: invalid duration "abc"');
    expect(() => parse(['--logger=foo'])).toThrow();
    expect(() => parse(['--max-concurrent-streams=-1'])).toThrow();
    expect(() => parse(['--experimental-corrupt-check-time=abc'])).toThrow('time: invalid duration "abc"');
  });
});
