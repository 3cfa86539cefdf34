// raftkvctl's command tree (commander) and its error handling: every failure
// becomes "Error: <message>" on stderr and one of etcdctl's exit codes.
import { Command, CommanderError } from 'commander';
import { CTL_API_VERSION, ETCD_RELEASE } from '../version.js';
import { addGlobalFlags, normalizeBoolFlags } from './globals.js';
import { registerAuthCommands } from './auth-commands.js';
import { registerCheckCommands } from './check-commands.js';
import { registerEndpointCommands } from './endpoint-commands.js';
import { CtlError, ExitCode, GoPanic, errorMessage } from './exit.js';
import { findCommand, unknownCommandMessage } from './help/find.js';
import { installHelp, unknownFlagMessage } from './help/install.js';
import { registerKvCommands } from './kv-commands.js';
import { registerLeaseCommands } from './lease-commands.js';
import { registerMaintenanceCommands } from './maintenance-commands.js';
import { registerElectCommand } from './elect-command.js';
import { registerLockCommand } from './lock-command.js';
import { registerMakeMirrorCommand } from './make-mirror-command.js';
import { registerMemberCommands } from './member-commands.js';
import { registerMoveLeaderCommand } from './move-leader-command.js';
import { registerSnapshotCommands } from './snapshot-commands.js';
import { registerRoleCommands } from './role-commands.js';
import { registerTxnCommand } from './txn-command.js';
import { registerUserCommands } from './user-commands.js';
import { registerWatchCommand } from './watch-command.js';

export function buildProgram(): Command {
  const program = addGlobalFlags(new Command('raftkvctl').description('A simple command line client for raftkv (etcd v3 API)'))
    // Set before adding commands: subcommands copy these settings when created.
    .exitOverride()
    .configureOutput({ outputError: () => undefined });

  registerKvCommands(program);
  registerTxnCommand(program);
  registerWatchCommand(program);
  registerLeaseCommands(program);
  registerMemberCommands(program);
  registerEndpointCommands(program);
  registerMaintenanceCommands(program);
  registerMoveLeaderCommand(program);
  registerLockCommand(program);
  registerElectCommand(program);
  registerSnapshotCommands(program);
  registerAuthCommands(program);
  registerUserCommands(program);
  registerRoleCommands(program);
  registerMakeMirrorCommand(program);
  registerCheckCommands(program);
  program
    .command('version')
    .description('Prints the version of etcdctl')
    .argument('[args...]')
    // etcdctl's words exactly (raftkvctl stands in for etcdctl 3.4); arguments are ignored, as there.
    .action(() => {
      process.stdout.write(`etcdctl version: ${ETCD_RELEASE}\nAPI version: ${CTL_API_VERSION}\n`);
    });
  installHelp(program);
  return program;
}

/** Commander's parse errors in cobra's (etcdctl's) words where they differ. */
function commanderMessage(e: CommanderError): string {
  const msg = e.message.replace(/^error: /, '');
  const flag = unknownFlagMessage(msg);
  if (flag !== undefined) return flag;
  return msg;
}

function report(message: string, code: number): number {
  // An empty message: the failure was already reported where it happened.
  if (message !== '') process.stderr.write(`Error: ${message}\n`);
  return code;
}

/** Runs one command line (process.argv form); resolves to the exit code. */
export async function runCtl(argv: string[]): Promise<number> {
  // Like etcdctl: ETCDCTL_API selects the API (only v3 here) and is then forgotten.
  const api = process.env['ETCDCTL_API'];
  delete process.env['ETCDCTL_API'];
  if (api !== undefined && api !== '' && api !== '3') {
    process.stderr.write(`unsupported API version ${api}\n`);
    return ExitCode.Error;
  }
  try {
    const args = normalizeBoolFlags(argv);
    const program = buildProgram();
    // cobra finds the command before parsing flags; an unknown one is reported in its words.
    const found = findCommand(program, args.slice(2));
    if (!found.ok) {
      const message = unknownCommandMessage(found.word, found.suggestions);
      process.stderr.write(`Error: ${message}\nRun 'etcdctl --help' for usage.\n`);
      return report(message, ExitCode.Error);
    }
    await program.parseAsync([...args.slice(0, 2), ...found.args]);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.Success;
  } catch (e) {
    if (e instanceof GoPanic) {
      process.stderr.write(`panic: ${e.message}\n`);
      return e.exitCode;
    }
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
