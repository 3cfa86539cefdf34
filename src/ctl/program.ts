// raftkvctl's command tree (commander) and its error handling: every failure
// becomes "Error: <message>" on stderr and one of etcdctl's exit codes. A run
// loads only the modules of the command it names (the rest, and gRPC for
// commands without a client, would cost more start-up time than the command).
import { Command, CommanderError } from 'commander';
import { CTL_API_VERSION, ETCD_RELEASE } from '../version.js';
import { addGlobalFlags, normalizeBoolFlags } from './global-flags.js';
import { CtlError, ExitCode, GoPanic } from './exit.js';
import { findCommand, rootCommandName, unknownCommandMessage } from './help/find.js';
import { installHelp, unknownFlagMessage } from './help/install.js';

type Register = (program: Command) => void;

/** Each module's top-level commands, in the order they are added. */
const COMMAND_MODULES: { names: readonly string[]; load: () => Promise<Register> }[] = [
  { names: ['get', 'put', 'del'], load: async () => (await import('./kv-commands.js')).registerKvCommands },
  { names: ['txn'], load: async () => (await import('./txn-command.js')).registerTxnCommand },
  { names: ['watch'], load: async () => (await import('./watch-command.js')).registerWatchCommand },
  { names: ['lease'], load: async () => (await import('./lease-commands.js')).registerLeaseCommands },
  { names: ['member'], load: async () => (await import('./member-commands.js')).registerMemberCommands },
  { names: ['endpoint'], load: async () => (await import('./endpoint-commands.js')).registerEndpointCommands },
  { names: ['compaction', 'defrag', 'alarm'], load: async () => (await import('./maintenance-commands.js')).registerMaintenanceCommands },
  { names: ['move-leader'], load: async () => (await import('./move-leader-command.js')).registerMoveLeaderCommand },
  { names: ['lock'], load: async () => (await import('./lock-command.js')).registerLockCommand },
  { names: ['elect'], load: async () => (await import('./elect-command.js')).registerElectCommand },
  { names: ['snapshot'], load: async () => (await import('./snapshot-commands.js')).registerSnapshotCommands },
  { names: ['auth'], load: async () => (await import('./auth-commands.js')).registerAuthCommands },
  { names: ['user'], load: async () => (await import('./user-commands.js')).registerUserCommands },
  { names: ['role'], load: async () => (await import('./role-commands.js')).registerRoleCommands },
  { names: ['make-mirror'], load: async () => (await import('./make-mirror-command.js')).registerMakeMirrorCommand },
  { names: ['check'], load: async () => (await import('./check-commands.js')).registerCheckCommands },
];

function rootProgram(): Command {
  return (
    addGlobalFlags(new Command('raftkvctl').description('A simple command line client for raftkv (etcd v3 API)'))
      // Set before adding commands: subcommands copy these settings when created.
      .exitOverride()
      .configureOutput({ outputError: () => undefined })
  );
}

/** Adds the top-level commands `only` names (all of them when not given), version and etcdctl's help. */
async function addCommands(program: Command, only?: readonly string[]): Promise<void> {
  const wanted = COMMAND_MODULES.filter((m) => only === undefined || m.names.some((n) => only.includes(n)));
  for (const register of await Promise.all(wanted.map((m) => m.load()))) register(program);
  program
    .command('version')
    .description('Prints the version of etcdctl')
    .argument('[args...]')
    // etcdctl's words exactly (raftkvctl stands in for etcdctl 3.4); arguments are ignored, as there.
    .action(() => {
      process.stdout.write(`etcdctl version: ${ETCD_RELEASE}\nAPI version: ${CTL_API_VERSION}\n`);
    });
  installHelp(program);
}

/** The whole command tree. */
export async function buildProgram(): Promise<Command> {
  const program = rootProgram();
  await addCommands(program);
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
    // `help` may name any command; no command at all needs none (the root's help is a fixed text).
    const program = rootProgram();
    const top = rootCommandName(program, args.slice(2));
    await addCommands(program, top === 'help' ? undefined : top === undefined ? [] : [top]);
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
    // Any other error: a failed call (then the client, and this module, are loaded already) or a bug.
    const { errorMessage } = await import('./call-errors.js');
    return report(errorMessage(e), ExitCode.Error);
  }
}
