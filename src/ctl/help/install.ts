// Hooks etcdctl's help into raftkvctl's commander tree, so commander never
// prints its own: `-h/--help` on any command, `help [command]`, a command
// group given without a subcommand, and an unknown flag (etcdctl prints the
// command's help on stdout, then fails with the error). -h/--help is an
// ordinary flag, as in cobra: flags are parsed (and an unknown one refused)
// before the help is shown.
import { CommanderError, type Command } from 'commander';
import { CtlError, ExitCode } from '../exit.js';
import { findCommand } from './find.js';
import { findHelp, renderHelp } from './render.js';

function commandPath(cmd: Command): string {
  const words: string[] = [];
  for (let c: Command | null = cmd; c?.parent != null; c = c.parent) words.unshift(c.name());
  return words.join(' ');
}

/** Cobra's wording of commander's unknown-option error. */
export function unknownFlagMessage(message: string): string | undefined {
  const opt = /unknown option '(.*)'/.exec(message);
  if (opt === null) return undefined;
  const flag = opt[1]!;
  // pflag names a long flag without its "=value".
  return flag.startsWith('--') ? `unknown flag: ${flag.replace(/=.*/, '')}` : `unknown shorthand flag: '${flag.charAt(1)}' in ${flag}`;
}

function hook(cmd: Command): void {
  const path = commandPath(cmd);
  if (findHelp(path) === undefined) throw new Error(`raftkvctl command "${path}" has no etcdctl help`);
  cmd.helpCommand(false);
  cmd.helpOption(false);
  cmd.option('-h, --help', `help for ${cmd.parent === null ? 'etcdctl' : cmd.name()}`);
  // Commander is never to print its own help; should it try, it prints etcdctl's.
  cmd.configureHelp({ formatHelp: () => renderHelp(path) });
  cmd.exitOverride((err) => {
    const flagError = err.code === 'commander.unknownOption' ? unknownFlagMessage(err.message) : undefined;
    if (flagError === undefined) throw err;
    // cobra: "Error: …" and an empty usage line on stderr (etcdctl's usage goes to stdout), then etcdctl's own "Error: …".
    process.stdout.write(renderHelp(path));
    process.stderr.write(`Error: ${flagError}\n\n`);
    throw new CtlError(flagError, ExitCode.Error);
  });
  // A group alone (or with an unknown subcommand) prints its help and succeeds, as etcdctl does.
  if (cmd.parent !== null && cmd.commands.length > 0) {
    cmd.argument('[args...]').action(() => {
      process.stdout.write(renderHelp(path));
    });
  }
  for (const sub of cmd.commands) hook(sub);
}

/** cobra's help command: help for the command the words name; an unknown one gets the root's usage. */
function helpCommand(program: Command): void {
  program
    .command('help')
    .argument('[command...]')
    .action((words: string[]) => {
      let cmd = program;
      let rest = words;
      for (const w of words) {
        const sub = cmd.commands.find((c) => c.name() === w);
        if (sub === undefined) break;
        cmd = sub;
        rest = rest.slice(1);
      }
      // Only the root refuses leftover words (cobra's legacyArgs); a subcommand takes them as arguments.
      if (cmd === program && rest.length > 0) {
        process.stderr.write(`Unknown help topic [${words.map((w) => `\`${w}\``).join(' ')}]\n`);
        process.stdout.write(renderHelp('', { withoutHelpFlag: true }));
        return;
      }
      process.stdout.write(renderHelp(commandPath(cmd)));
    });
}

/** The command whose help `args` ask for, as cobra finds it before parsing flags (`member --help add` is help for member). */
function helpTarget(root: Command, args: readonly string[]): Command {
  const found = findCommand(root, args);
  return found.ok ? found.cmd : root;
}

/** -h/--help given to the command about to run or to any command above it (which then parsed it). */
function helpRequested(cmd: Command): boolean {
  for (let c: Command | null = cmd; c !== null; c = c.parent) if (c.opts()['help'] === true) return true;
  return false;
}

/** Installs etcdctl's help on `program` and every command under it (call after adding all commands). */
export function installHelp(program: Command): void {
  helpCommand(program);
  hook(program);
  program.hook('preAction', (root, cmd) => {
    if (!helpRequested(cmd)) return;
    // rawArgs: the argv parse() was given (set by commander, missing from its typings).
    const argv = (root as Command & { readonly rawArgs: readonly string[] }).rawArgs;
    process.stdout.write(renderHelp(commandPath(helpTarget(root, argv.slice(2)))));
    throw new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)');
  });
  // etcdctl alone prints its help on stdout and succeeds; commander would print it on stderr and fail.
  // Words left for the root are those after "--" (unknown commands are refused before parsing).
  program.argument('[command...]').action(() => {
    process.stdout.write(renderHelp(''));
  });
}
