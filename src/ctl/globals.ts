// The global flag values every command reads (flags: global-flags.ts), and
// clients built from them. As in etcdctl, a global flag not given on the command
// line may come from ETCDCTL_<FLAG> (upper case, '-' as '_'); giving both is refused.
import type { Command } from 'commander';
import { EtcdClient } from '../client/etcd-client.js';
import { splitEndpoints } from '../client/endpoints.js';
import { capnslogLine } from './capnslog.js';
import { envName, GLOBAL_FLAGS } from './global-flags.js';
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

function root(cmd: Command): Command {
  let c = cmd;
  while (c.parent !== null) c = c.parent;
  return c;
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
