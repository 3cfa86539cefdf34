// The global flags every command shares, and clients built from them.
import type { Command } from 'commander';
import { EtcdClient } from '../client/etcd-client.js';
import { splitEndpoints } from '../client/endpoints.js';
import type { ClientTls } from '../client/tls.js';
import { CtlError, ExitCode, badArgs } from './exit.js';
import { parseGoDuration } from './format/go-duration.js';

export type OutputFormat = 'simple' | 'json' | 'table';

export interface Globals {
  endpoints: string[];
  format: OutputFormat;
  commandTimeoutMs: number;
  hex: boolean;
  tls: ClientTls;
}

interface RawGlobals {
  endpoints?: string;
  writeOut?: string;
  commandTimeout?: string;
  hex?: boolean;
  cacert?: string;
  cert?: string;
  key?: string;
  insecureSkipTlsVerify?: boolean;
}

/** etcdctl's TLS flags, or their ETCDCTL_CACERT, ETCDCTL_CERT, ETCDCTL_KEY, ETCDCTL_INSECURE_SKIP_TLS_VERIFY stand-ins. */
function tlsOf(o: RawGlobals): ClientTls {
  const env = process.env;
  const skip = o.insecureSkipTlsVerify ?? env['ETCDCTL_INSECURE_SKIP_TLS_VERIFY'];
  const tls: ClientTls = {};
  const caFile = o.cacert ?? env['ETCDCTL_CACERT'];
  const certFile = o.cert ?? env['ETCDCTL_CERT'];
  const keyFile = o.key ?? env['ETCDCTL_KEY'];
  if (caFile !== undefined && caFile !== '') tls.caFile = caFile;
  if (certFile !== undefined && certFile !== '') tls.certFile = certFile;
  if (keyFile !== undefined && keyFile !== '') tls.keyFile = keyFile;
  if (skip === true || skip === 'true') tls.insecureSkipVerify = true;
  return tls;
}

export function readGlobals(cmd: Command): Globals {
  const o = cmd.optsWithGlobals<RawGlobals>();
  // Like etcdctl, ETCDCTL_ENDPOINTS stands in when --endpoints is not given.
  const endpointList = o.endpoints ?? process.env['ETCDCTL_ENDPOINTS'] ?? '127.0.0.1:2379';
  const endpoints = splitEndpoints(endpointList);
  if (endpoints.length === 0) throw badArgs('no endpoints given');
  const format = o.writeOut ?? 'simple';
  if (format !== 'simple' && format !== 'json' && format !== 'table') {
    throw new CtlError('unsupported output format', ExitCode.BadFeature);
  }
  let commandTimeoutMs: number;
  try {
    commandTimeoutMs = parseGoDuration(o.commandTimeout ?? '5s');
  } catch (e) {
    throw badArgs((e as Error).message);
  }
  return { endpoints, format, commandTimeoutMs, hex: o.hex === true, tls: tlsOf(o) };
}

/** Refuses a format the command has no printer for, as etcdctl does. */
export function requireFormat(g: Globals, ...supported: OutputFormat[]): void {
  if (!supported.includes(g.format)) throw new CtlError(`${g.format} not supported as output format`, ExitCode.BadFeature);
}

export function connect(g: Globals, endpoints: string[] = g.endpoints): EtcdClient {
  return new EtcdClient(endpoints, { timeoutMs: g.commandTimeoutMs, tls: g.tls });
}

/** Runs `fn` with a client that is closed afterwards. */
export async function withClient<T>(g: Globals, fn: (c: EtcdClient) => Promise<T>, endpoints?: string[]): Promise<T> {
  const c = connect(g, endpoints);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}
