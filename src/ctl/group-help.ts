// What etcdctl prints for a command group given without a subcommand
// (`etcdctl member`): its help, on stdout, and exit status 0. The layout is
// etcdctl's help template run through Go's tabwriter (tab padding, width 8).
import type { Command } from 'commander';
import { API_VERSION } from './program.js';

/** The argument part of each group's cobra Use line. */
const USE_ARGS: Record<string, string> = { auth: '<enable or disable>' };

/** Flags etcdctl defines on the group itself (besides --help), as its help shows them. */
const GROUP_FLAGS: Record<string, [string, string][]> = {
  endpoint: [['      --cluster[=false]', 'use all endpoints from the cluster member list']],
};

// pflag's listing of etcdctl's global flags, already laid out by the tabwriter.
const GLOBAL_OPTIONS = [
  '      --cacert=""\t\t\t\tverify certificates of TLS-enabled secure servers using this CA bundle',
  '      --cert=""\t\t\t\t\tidentify secure client using this TLS certificate file',
  '      --command-timeout=5s\t\t\ttimeout for short running command (excluding dial timeout)',
  '      --debug[=false]\t\t\t\tenable client-side debug logging',
  '      --dial-timeout=2s\t\t\t\tdial timeout for client connections',
  '  -d, --discovery-srv=""\t\t\tdomain name to query for SRV records describing cluster endpoints',
  '      --discovery-srv-name=""\t\t\tservice name to query when using DNS discovery',
  '      --endpoints=[127.0.0.1:2379]\t\tgRPC endpoints',
  '      --hex[=false]\t\t\t\tprint byte strings as hex encoded strings',
  '      --insecure-discovery[=true]\t\taccept insecure SRV records describing cluster endpoints',
  '      --insecure-skip-tls-verify[=false]\tskip server certificate verification (CAUTION: this option should be enabled only for testing purposes)',
  '      --insecure-transport[=true]\t\tdisable transport security for client connections',
  '      --keepalive-time=2s\t\t\tkeepalive time for client connections',
  '      --keepalive-timeout=6s\t\t\tkeepalive timeout for client connections',
  '      --key=""\t\t\t\t\tidentify secure client using this TLS key file',
  "      --password=\"\"\t\t\t\tpassword for authentication (if this option is used, --user option shouldn't include password)",
  '      --user=""\t\t\t\t\tusername[:password] for authentication (prompt if password is not supplied)',
  '  -w, --write-out="simple"\t\t\tset the output format (fields, json, protobuf, simple, table)',
];

/** Two-cell rows as Go's tabwriter (minwidth 0, tabwidth 8, padding 1, '\t') aligns one block of them. */
export function tabAlign(rows: readonly [string, string][]): string[] {
  const widest = Math.max(0, ...rows.map(([cell]) => cell.length));
  const cellWidth = Math.ceil((widest + 1) / 8) * 8;
  return rows.map(([cell, rest]) => `${cell}${'\t'.repeat(Math.ceil((cellWidth - cell.length) / 8))}${rest}`);
}

export function groupHelp(group: Command): string {
  const name = group.name();
  const subcommands = [...group.commands].sort((a, b) => (a.name() < b.name() ? -1 : a.name() > b.name() ? 1 : 0));
  const flags: [string, string][] = [...(GROUP_FLAGS[name] ?? []), ['  -h, --help[=false]', `help for ${name}`]];
  return [
    'NAME:',
    `\t${name} - ${group.description()}`,
    '',
    'USAGE:',
    `\tetcdctl ${name} ${USE_ARGS[name] ?? '<subcommand>'} [flags]`,
    '',
    'API VERSION:',
    `\t${API_VERSION}`,
    '',
    '',
    'COMMANDS:',
    // Go's tabwriter: an empty first column (one tab), then the names aligned.
    ...tabAlign(subcommands.map((c) => [c.name(), c.description()])).map((l) => `\t${l}`),
    '',
    'OPTIONS:',
    ...tabAlign(flags),
    '',
    'GLOBAL OPTIONS:',
    ...GLOBAL_OPTIONS,
    '',
    '',
  ].join('\n');
}

/** Every command group of `program` answers a missing or unknown subcommand with its help and status 0. */
export function installGroupHelp(program: Command): void {
  for (const group of program.commands) {
    if (group.commands.length === 0) continue;
    group.argument('[args...]').action(() => {
      process.stdout.write(groupHelp(group));
    });
  }
}
