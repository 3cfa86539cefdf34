import { Command, InvalidArgumentError, Option } from 'commander';
import { defaultConfig, type ServerConfig } from '../server/config.js';
import { isKnownCipherSuite } from '../tls/cipher-suites.js';
import type { TlsSettings } from '../tls/settings.js';
import { addInertFlags, givenInertFlags } from './inert-flags.js';
import { addOpsFlags, toOps, type OpsRaw } from './ops-flags.js';

// The daemon's command line: etcd's flag names and defaults. Every flag can also come from the
// environment as ETCD_<FLAG> (e.g. ETCD_INITIAL_CLUSTER), which is what `member add` prints.

export interface DaemonOptions {
  config: ServerConfig;
  logLevel: string;
  /** --log-outputs: 'default', 'stderr', 'stdout' or file paths. */
  logOutputs?: string[];
  /** Flags given that raftkv accepts but does not act on; each is warned about at start. */
  inertFlags?: { flag: string; why: string }[];
  /** --enable-ui and --ui-read-only: the web console under /ui on the client port. */
  ui?: { enabled: boolean; readOnly: boolean };
}

function envName(flag: string): string {
  return 'ETCD_' + flag.replace(/-/g, '_').toUpperCase();
}

export function intArg(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`invalid value "${value}": not a non-negative integer`);
  return n;
}

/** Go's boolean flags: `--flag`, `--flag=true`, `--flag=false` (and the same strings in ETCD_*). */
export function boolArg(value: string): boolean {
  const v = value.toLowerCase();
  if (v === 'true' || v === '1' || v === 't') return true;
  if (v === 'false' || v === '0' || v === 'f') return false;
  throw new InvalidArgumentError(`invalid boolean value "${value}"`);
}

function cipherSuites(value: string): string[] {
  const names = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  for (const n of names) if (!isKnownCipherSuite(n)) throw new InvalidArgumentError(`unexpected TLS cipher suite "${n}"`);
  return names;
}

function urlList(value: string): string[] {
  const urls = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  for (const u of urls) {
    let parsed: URL;
    try {
      parsed = new URL(u);
    } catch {
      throw new InvalidArgumentError(`invalid URL "${u}"`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new InvalidArgumentError(`URL scheme must be http or https: ${u}`);
  }
  return urls;
}

export function parseInitialCluster(value: string): { name: string; peerUrl: string }[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new InvalidArgumentError(`invalid --initial-cluster entry "${pair}" (want name=url)`);
      const peerUrl = pair.slice(eq + 1);
      urlList(peerUrl);
      return { name: pair.slice(0, eq), peerUrl };
    });
}

export function buildCommand(version: string): Command {
  const d = defaultConfig();
  const opt = (flags: string, description: string, flagName: string): Option => new Option(flags, description).env(envName(flagName));
  const cmd = new Command('raftkv')
    .description('raftkv: a Raft-replicated key-value store speaking etcd v3 gRPC')
    .version(`raftkv Version: ${version}\nAPI version: 3.4`, '--version', 'print the version and exit')
    .addOption(opt('--name <name>', 'human-readable name for this member', 'name').default(d.name))
    .addOption(opt('--data-dir <path>', 'path to the data directory (default: ${name}.etcd)', 'data-dir'))
    .addOption(opt('--listen-client-urls <urls>', 'URLs to listen on for client traffic', 'listen-client-urls').argParser(urlList).default(d.listenClientUrls))
    .addOption(opt('--advertise-client-urls <urls>', "this member's client URLs to advertise", 'advertise-client-urls').argParser(urlList).default(d.advertiseClientUrls))
    .addOption(opt('--listen-peer-urls <urls>', 'URLs to listen on for peer traffic', 'listen-peer-urls').argParser(urlList).default(d.listenPeerUrls))
    .addOption(opt('--initial-advertise-peer-urls <urls>', "this member's peer URLs to advertise", 'initial-advertise-peer-urls').argParser(urlList).default(d.initialAdvertisePeerUrls))
    .addOption(opt('--initial-cluster <pairs>', 'initial cluster configuration, name=peerURL,...', 'initial-cluster').argParser(parseInitialCluster))
    .addOption(opt('--initial-cluster-state <state>', "initial cluster state ('new' or 'existing')", 'initial-cluster-state').choices(['new', 'existing']).default('new'))
    .addOption(opt('--initial-cluster-token <token>', 'initial cluster token for bootstrap', 'initial-cluster-token').default(d.initialClusterToken))
    .addOption(opt('--max-request-bytes <n>', 'maximum client request size in bytes', 'max-request-bytes').argParser(intArg).default(d.maxRequestBytes))
    .addOption(opt('--quota-backend-bytes <n>', 'raise the NOSPACE alarm when the backend exceeds this (0 = 2 GiB)', 'quota-backend-bytes').argParser(intArg).default(0))
    .addOption(opt('--snapshot-count <n>', 'applied entries between log compactions', 'snapshot-count').argParser(intArg).default(d.snapshotCount))
    .addOption(opt('--heartbeat-interval <ms>', 'heartbeat interval in milliseconds', 'heartbeat-interval').argParser(intArg).default(d.heartbeatIntervalMs))
    .addOption(opt('--election-timeout <ms>', 'election timeout in milliseconds', 'election-timeout').argParser(intArg).default(d.electionTimeoutMs))
    .addOption(opt('--max-txn-ops <n>', 'maximum operations in one transaction', 'max-txn-ops').argParser(intArg).default(d.maxTxnOps))
    .addOption(opt('--cert-file <path>', 'path to the client server TLS cert file', 'cert-file').default(''))
    .addOption(opt('--key-file <path>', 'path to the client server TLS key file', 'key-file').default(''))
    .addOption(opt('--client-cert-auth [bool]', 'enable client cert authentication', 'client-cert-auth').argParser(boolArg).preset('true').default(false))
    .addOption(opt('--trusted-ca-file <path>', 'path to the client server TLS trusted CA cert file', 'trusted-ca-file').default(''))
    .addOption(opt('--auto-tls [bool]', 'client TLS using generated certificates', 'auto-tls').argParser(boolArg).preset('true').default(false))
    .addOption(opt('--peer-cert-file <path>', 'path to the peer server TLS cert file', 'peer-cert-file').default(''))
    .addOption(opt('--peer-key-file <path>', 'path to the peer server TLS key file', 'peer-key-file').default(''))
    .addOption(opt('--peer-client-cert-auth [bool]', 'enable peer client cert authentication', 'peer-client-cert-auth').argParser(boolArg).preset('true').default(false))
    .addOption(opt('--peer-trusted-ca-file <path>', 'path to the peer server TLS trusted CA file', 'peer-trusted-ca-file').default(''))
    .addOption(opt('--peer-cert-allowed-cn <cn>', 'required CN for client certs connecting to the peer endpoint', 'peer-cert-allowed-cn').default(''))
    .addOption(opt('--peer-auto-tls [bool]', 'peer TLS using self-generated certificates if --peer-key-file and --peer-cert-file are not provided', 'peer-auto-tls').argParser(boolArg).preset('true').default(false))
    .addOption(opt('--cipher-suites <names>', 'comma-separated list of supported TLS cipher suites between client/server and peers (empty = the defaults)', 'cipher-suites').argParser(cipherSuites).default([]))
    .addOption(opt('--auth-token <type>', "specify a v3 authentication token type and its options ('simple' or 'jwt')", 'auth-token').default(d.authToken))
    .addOption(opt('--auth-token-ttl <seconds>', 'time (in seconds) of the auth-token-ttl', 'auth-token-ttl').argParser(intArg).default(d.authTokenTtl))
    .addOption(opt('--bcrypt-cost <n>', 'cost of the bcrypt algorithm for hashing auth passwords (4 to 31)', 'bcrypt-cost').argParser(intArg).default(d.bcryptCost))
    .addOption(opt('--enable-ui [bool]', 'serve the web console at /ui/ on the client port', 'enable-ui').argParser(boolArg).preset('true').default(true))
    .addOption(opt('--ui-read-only [bool]', 'the web console offers no writes', 'ui-read-only').argParser(boolArg).preset('true').default(false))
    .addOption(opt('--log-level <level>', 'debug, info, warn, error, panic or fatal', 'log-level').choices(['debug', 'info', 'warn', 'error', 'panic', 'fatal']).default('info'))
    .allowExcessArguments(false);
  return addInertFlags(addOpsFlags(cmd, opt, { urlList, boolArg }));
}

export interface RawFlags extends OpsRaw {
  name: string;
  dataDir?: string;
  listenClientUrls: string[];
  advertiseClientUrls: string[];
  listenPeerUrls: string[];
  initialAdvertisePeerUrls: string[];
  initialCluster?: { name: string; peerUrl: string }[];
  initialClusterState: 'new' | 'existing';
  initialClusterToken: string;
  maxRequestBytes: number;
  quotaBackendBytes: number;
  snapshotCount: number;
  heartbeatInterval: number;
  electionTimeout: number;
  maxTxnOps: number;
  certFile: string;
  keyFile: string;
  clientCertAuth: boolean;
  trustedCaFile: string;
  autoTls: boolean;
  peerCertFile: string;
  peerKeyFile: string;
  peerClientCertAuth: boolean;
  peerTrustedCaFile: string;
  peerCertAllowedCn: string;
  peerAutoTls: boolean;
  cipherSuites: string[];
  authToken: string;
  authTokenTtl: number;
  bcryptCost: number;
  logLevel: string;
  enableUi: boolean;
  uiReadOnly: boolean;
}

function tlsOf(raw: RawFlags): { clientTls: TlsSettings; peerTls: TlsSettings } {
  return {
    clientTls: {
      certFile: raw.certFile,
      keyFile: raw.keyFile,
      trustedCaFile: raw.trustedCaFile,
      clientCertAuth: raw.clientCertAuth,
      autoTls: raw.autoTls,
      cipherSuites: raw.cipherSuites,
      allowedCn: '',
    },
    peerTls: {
      certFile: raw.peerCertFile,
      keyFile: raw.peerKeyFile,
      trustedCaFile: raw.peerTrustedCaFile,
      clientCertAuth: raw.peerClientCertAuth,
      autoTls: raw.peerAutoTls,
      cipherSuites: raw.cipherSuites,
      allowedCn: raw.peerCertAllowedCn,
    },
  };
}

export function toOptions(raw: RawFlags, inertFlags: { flag: string; why: string }[] = []): DaemonOptions {
  const base = defaultConfig(raw.name);
  // Like etcd: without --initial-cluster, a named member forms a cluster of itself.
  const initialCluster = raw.initialCluster ?? raw.initialAdvertisePeerUrls.map((peerUrl) => ({ name: raw.name, peerUrl }));
  return {
    logLevel: raw.debug ? 'debug' : raw.logLevel,
    logOutputs: raw.logOutputs,
    inertFlags,
    ui: { enabled: raw.enableUi, readOnly: raw.uiReadOnly },
    config: {
      ...base,
      dataDir: raw.dataDir ?? base.dataDir,
      listenClientUrls: raw.listenClientUrls,
      advertiseClientUrls: raw.advertiseClientUrls,
      listenPeerUrls: raw.listenPeerUrls,
      initialAdvertisePeerUrls: raw.initialAdvertisePeerUrls,
      initialCluster,
      initialClusterState: raw.initialClusterState,
      initialClusterToken: raw.initialClusterToken,
      maxRequestBytes: raw.maxRequestBytes,
      quotaBackendBytes: raw.quotaBackendBytes,
      snapshotCount: raw.snapshotCount,
      heartbeatIntervalMs: raw.heartbeatInterval,
      electionTimeoutMs: raw.electionTimeout,
      maxTxnOps: raw.maxTxnOps,
      authToken: raw.authToken,
      authTokenTtl: raw.authTokenTtl,
      bcryptCost: raw.bcryptCost,
      ...tlsOf(raw),
      ops: toOps(raw),
    },
  };
}

export function parseFlags(argv: string[], version: string): DaemonOptions {
  const cmd = buildCommand(version);
  cmd.parse(argv);
  try {
    return toOptions(cmd.opts<RawFlags>(), givenInertFlags(cmd));
  } catch (e) {
    // Checks across flags (e.g. the compaction mode and retention), worded as etcd words them.
    if (e instanceof InvalidArgumentError) cmd.error(`error verifying flags, ${e.message}. See 'raftkv --help'.`);
    throw e;
  }
}
