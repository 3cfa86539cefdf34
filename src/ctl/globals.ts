// The global flags every command shares, and clients built from them. As in
// etcdctl, a global flag not given on the command line may come from
// ETCDCTL_<FLAG> (upper case, '-' as '_'); giving both is refused.
import type { Command } from 'commander';
import { EtcdClient } from '../client/etcd-client.js';
import { splitEndpoints } from '../client/endpoints.js';
import { capnslogLine } from './capnslog.js';
import type { ClientTls } from '../client/tls.js';
import { CtlError, ExitCode, badArgs } from './exit.js';
import { parseGoDuration } from './format/go-duration.js';
import { logFailedCall } from './zap-warn.js';
import { logIn } from './auth-login.js';

export const OUTPUT_FORMATS = ['simple', 'json', 'protobuf', 'fields', 'table'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface Globals {
  endpoints: string[];
  format: OutputFormat;
  commandTimeoutMs: number;
  dialTimeoutMs: number;
  hex: boolean;
  debug: boolean;
  /** --user, "name" or "name:password". */
  user?: string;
  password?: string;
  tls: ClientTls;
}

/** Global flags as commander stores them (camelCase), with the flag's long name for ETCDCTL_*. */
const GLOBAL_FLAGS: Record<string, string> = {
  endpoints: 'endpoints',
  writeOut: 'write-out',
  commandTimeout: 'command-timeout',
  dialTimeout: 'dial-timeout',
  keepaliveTime: 'keepalive-time',
  keepaliveTimeout: 'keepalive-timeout',
  hex: 'hex',
  debug: 'debug',
  user: 'user',
  password: 'password',
  insecureTransport: 'insecure-transport',
  insecureSkipTlsVerify: 'insecure-skip-tls-verify',
  insecureDiscovery: 'insecure-discovery',
  discoverySrv: 'discovery-srv',
  discoverySrvName: 'discovery-srv-name',
  cacert: 'cacert',
  cert: 'cert',
  key: 'key',
};

/** Adds the global flags to the root command. */
export function addGlobalFlags(program: Command): Command {
  return program
    .option('--endpoints <list>', 'gRPC endpoints', '127.0.0.1:2379')
    .option('-w, --write-out <format>', 'set the output format (fields, json, protobuf, simple, table)', 'simple')
    .option('--command-timeout <duration>', 'timeout for short running command (excluding dial timeout)', '5s')
    .option('--dial-timeout <duration>', 'dial timeout for client connections', '2s')
    .option('--keepalive-time <duration>', 'keepalive time for client connections', '2s')
    .option('--keepalive-timeout <duration>', 'keepalive timeout for client connections', '6s')
    .option('--hex', 'print byte strings as hex encoded strings')
    .option('--debug', 'enable client-side debug logging')
    .option('--user <user>', 'username[:password] for authentication (prompt if password is not supplied)')
    .option('--password <password>', 'password for authentication (if this option is used, --user option shouldn\'t include password)')
    .option('--insecure-transport', 'disable transport security for client connections')
    .option('--cacert <file>', 'verify certificates of TLS-enabled secure servers using this CA bundle')
    .option('--cert <file>', 'identify secure client using this TLS certificate file')
    .option('--key <file>', 'identify secure client using this TLS key file')
    .option('--insecure-skip-tls-verify', 'skip server certificate verification (CAUTION: this option should be enabled only for testing purposes)')
    .option('--insecure-discovery', 'accept insecure SRV records describing cluster endpoints')
    .option('-d, --discovery-srv <domain>', 'domain name to query for SRV records describing cluster endpoints')
    .option('--discovery-srv-name <name>', 'service name to query when using DNS discovery');
}

/** etcdctl's TLS flags (ETCDCTL_CACERT, ETCDCTL_CERT, ETCDCTL_KEY, ETCDCTL_INSECURE_SKIP_TLS_VERIFY already merged in). */
function tlsOf(o: Record<string, string | boolean | undefined>): ClientTls {
  const tls: ClientTls = {};
  const file = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const caFile = file(o['cacert']);
  const certFile = file(o['cert']);
  const keyFile = file(o['key']);
  if (caFile !== undefined) tls.caFile = caFile;
  if (certFile !== undefined) tls.certFile = certFile;
  if (keyFile !== undefined) tls.keyFile = keyFile;
  const skip = o['insecureSkipTlsVerify'];
  if (skip === true || skip === 'true') tls.insecureSkipVerify = true;
  return tls;
}

/** Boolean flags (global, then per command), which pflag also takes as --flag=true / --flag=false. */
const BOOL_FLAGS = ['hex', 'debug', 'insecure-transport', 'insecure-skip-tls-verify', 'insecure-discovery', 'no-dest-prefix', 'auto-compact', 'auto-defrag', 'skip-hash-check', 'help'];

/** Rewrites pflag's `--flag=true|false` for boolean global flags into what commander takes. */
export function normalizeBoolFlags(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of argv) {
    const m = /^--([a-z-]+)=(true|false)$/.exec(a);
    if (m !== null && BOOL_FLAGS.includes(m[1]!)) {
      if (m[2] === 'true') out.push(`--${m[1]!}`);
      continue;
    }
    out.push(a);
  }
  return out;
}

function root(cmd: Command): Command {
  let c = cmd;
  while (c.parent !== null) c = c.parent;
  return c;
}

export function envName(flag: string): string {
  return `ETCDCTL_${flag.toUpperCase().replace(/-/g, '_')}`;
}

/** ETCDCTL_* names that are read elsewhere (watch's key) and so are not "unrecognized". */
const OTHER_ENV = new Set(['ETCDCTL_WATCH_KEY', 'ETCDCTL_WATCH_RANGE_END']);

/** The global flag values, ETCDCTL_* filling in those not given on the command line. */
function globalValues(cmd: Command): Record<string, string | boolean | undefined> {
  const r = root(cmd);
  const opts = r.opts<Record<string, string | boolean | undefined>>();
  const out: Record<string, string | boolean | undefined> = { ...opts };
  const used = new Set<string>();
  for (const [key, flag] of Object.entries(GLOBAL_FLAGS)) {
    const name = envName(flag);
    const env = process.env[name];
    if (env === undefined || env === '') continue;
    if (r.getOptionValueSource(key) === 'cli') {
      process.stderr.write(
        capnslogLine(
          'C',
          'pkg/flags',
          `conflicting environment variable "${name}" is shadowed by corresponding command-line flag (either unset environment variable or disable flag)`,
        ),
      );
      throw new CtlError('', ExitCode.Error);
    }
    used.add(name);
    out[key] = flag === 'hex' || flag === 'debug' ? env === 'true' || env === '1' : env;
  }
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('ETCDCTL_') && !used.has(name) && !OTHER_ENV.has(name)) {
      process.stderr.write(capnslogLine('W', 'pkg/flags', `unrecognized environment variable ${name}=${value ?? ''}`));
    }
  }
  return out;
}

function duration(v: string | boolean | undefined, dflt: string): number {
  try {
    return parseGoDuration(typeof v === 'string' ? v : dflt);
  } catch (e) {
    throw badArgs((e as Error).message);
  }
}

export function readGlobals(cmd: Command): Globals {
  const o = globalValues(cmd);
  const endpoints = splitEndpoints(typeof o['endpoints'] === 'string' ? o['endpoints'] : '127.0.0.1:2379');
  if (endpoints.length === 0) throw badArgs('no endpoints given');
  const format = typeof o['writeOut'] === 'string' ? o['writeOut'] : 'simple';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw new CtlError('unsupported output format', ExitCode.BadFeature);
  }
  const user = typeof o['user'] === 'string' && o['user'] !== '' ? o['user'] : undefined;
  const password = typeof o['password'] === 'string' && o['password'] !== '' ? o['password'] : undefined;
  return {
    endpoints,
    format: format as OutputFormat,
    commandTimeoutMs: duration(o['commandTimeout'], '5s'),
    dialTimeoutMs: duration(o['dialTimeout'], '2s'),
    hex: o['hex'] === true,
    debug: o['debug'] === true,
    ...(user !== undefined ? { user } : {}),
    ...(password !== undefined ? { password } : {}),
    tls: tlsOf(o),
  };
}

/** Refuses a format the command has no printer for, as etcdctl does. */
export function requireFormat(g: Globals, ...supported: OutputFormat[]): void {
  if (!supported.includes(g.format)) throw new CtlError(`${g.format} not supported as output format`, ExitCode.BadFeature);
}

export function connect(g: Globals, endpoints: string[] = g.endpoints): EtcdClient {
  return new EtcdClient(endpoints, { timeoutMs: g.commandTimeoutMs, tls: g.tls });
}

/** A client logged in as --user (when given), as etcdctl's is once it has connected. */
export async function openClient(g: Globals, endpoints: string[] = g.endpoints): Promise<EtcdClient> {
  const c = connect(g, endpoints);
  try {
    await logIn(c, g);
  } catch (e) {
    c.close();
    throw e;
  }
  return c;
}

/** Runs `fn` with a client that is closed afterwards; a failed call is logged as etcd's client logs it. */
export async function withClient<T>(g: Globals, fn: (c: EtcdClient) => Promise<T>, endpoints?: string[]): Promise<T> {
  const c = await openClient(g, endpoints);
  try {
    return await fn(c);
  } catch (e) {
    logFailedCall(e);
    throw e;
  } finally {
    c.close();
  }
}
