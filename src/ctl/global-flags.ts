// The global flags every command shares, as etcdctl defines them, and pflag's
// --flag=true|false spelling of booleans. Kept apart from globals.ts (which
// builds clients) so that the command line is parsed without loading gRPC.
import type { Command } from 'commander';

/** Global flags as commander stores them (camelCase), with the flag's long name for ETCDCTL_*. */
export const GLOBAL_FLAGS: Record<string, string> = {
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

export function envName(flag: string): string {
  return `ETCDCTL_${flag.toUpperCase().replace(/-/g, '_')}`;
}
