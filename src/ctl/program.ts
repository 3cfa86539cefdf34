// raftkvctl's command tree (commander) and its error handling: every failure
// becomes "Error: <message>" on stderr and one of etcdctl's exit codes.
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { registerEndpointCommands } from './endpoint-commands.js';
import { CtlError, ExitCode, errorMessage } from './exit.js';
import { registerKvCommands } from './kv-commands.js';
import { registerLeaseCommands } from './lease-commands.js';
import { registerMaintenanceCommands } from './maintenance-commands.js';
import { registerMemberCommands } from './member-commands.js';
import { registerSnapshotCommands } from './snapshot-commands.js';
import { registerWatchCommand } from './watch-command.js';

export const API_VERSION = '3.4';

export function buildProgram(): Command {
  const program = new Command('raftkvctl')
    .description('A simple command line client for raftkv (etcd v3 API)')
    .option('--endpoints <list>', 'gRPC endpoints, comma-separated (default "127.0.0.1:2379", or $ETCDCTL_ENDPOINTS)')
    .option('-w, --write-out <format>', 'set the output format (simple, json, table)', 'simple')
    .option('--command-timeout <duration>', 'timeout for short running command (excluding dial timeout)', '5s')
    .option('--hex', 'print byte strings as hex encoded strings')
    .option('--cacert <file>', 'verify certificates of TLS-enabled secure servers using this CA bundle')
    .option('--cert <file>', 'identify secure client using this TLS certificate file')
    .option('--key <file>', 'identify secure client using this TLS key file')
    .option('--insecure-skip-tls-verify', 'skip server certificate verification (CAUTION: this option should be enabled only for testing purposes)')
    // Set before adding commands: subcommands copy these settings when created.
    .exitOverride()
    .configureOutput({ outputError: () => undefined });

  registerKvCommands(program);
  registerWatchCommand(program);
  registerLeaseCommands(program);
  registerMemberCommands(program);
  registerEndpointCommands(program);
  registerMaintenanceCommands(program);
  registerSnapshotCommands(program);
  program
    .command('version')
    .description('Prints the version of raftkvctl')
    .action(() => {
      process.stdout.write(`raftkvctl version: ${VERSION}\nAPI version: ${API_VERSION}\n`);
    });
  return program;
}

/** Commander's parse errors in cobra's (etcdctl's) words where they differ. */
function commanderMessage(e: CommanderError): string {
  const msg = e.message.replace(/^error: /, '');
  const opt = /^unknown option '(.*)'/.exec(msg);
  if (opt !== null) return `unknown flag: ${opt[1]}`;
  const cmd = /^unknown command '(.*)'/.exec(msg);
  if (cmd !== null) return `unknown command "${cmd[1]}" for "raftkvctl"`;
  return msg;
}

function report(message: string, code: number): number {
  process.stderr.write(`Error: ${message}\n`);
  return code;
}

/** Runs one command line (process.argv form); resolves to the exit code. */
export async function runCtl(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.Success;
  } catch (e) {
    if (e instanceof CtlError) return report(e.message, e.exitCode);
    if (e instanceof CommanderError) {
      // Help and version output end with code 0; parse errors like etcdctl's cobra ones.
      if (e.exitCode === 0) return 0;
      if (e.code === 'commander.help' || e.code === 'commander.helpDisplayed') return e.exitCode;
      return report(commanderMessage(e), ExitCode.Error);
    }
    return report(errorMessage(e), ExitCode.Error);
  }
}
