// How etcdctl's watch splits its words: the key and range_end, the watch flags
// (on interactive lines), and the command after `--` to run per event.
import { badArgs, type CtlError } from './exit.js';

export interface WatchFlags {
  prefix: boolean;
  rev: number;
  prevKv: boolean;
}

export interface WatchArgs {
  watchArgs: string[];
  execArgs: string[];
}

const BAD_ARGS = 'bad number of arguments';
const BAD_ARGS_ENV = 'bad number of arguments (found conflicting environment key)';
const BAD_ARGS_SEPARATOR = 'bad number of arguments (found separator --, but no commands)';

export interface WatchEnv {
  key: string;
  rangeEnd: string;
}

function withEnvKey(args: string[], env: WatchEnv): string[] {
  if (env.key === '') return args;
  return [env.key, ...(env.rangeEnd !== '' ? [env.rangeEnd] : []), ...args];
}

/** Drops the exec words that the flag parser left at the end of the watch words. */
function cutExec(watchArgs: string[], firstExecWord: string): string[] {
  let end = watchArgs.length - 1;
  for (; end >= 0; end--) if (watchArgs[end] === firstExecWord) break;
  return watchArgs.slice(0, Math.max(end, 0));
}

/**
 * The command line form: `rawArgs` are the words after "watch" as typed,
 * `operands` what the flag parser left of them (exec words included).
 */
export function parseWatchCommandLine(rawArgs: string[], operands: string[], env: WatchEnv): WatchArgs {
  const sep = rawArgs.indexOf('--');
  if (sep >= 0 && sep === rawArgs.length - 1) throw badArgs(BAD_ARGS_SEPARATOR);
  if (sep < 0 && rawArgs.length < 1 && env.key === '') throw badArgs(BAD_ARGS);
  const execArgs = sep >= 0 ? rawArgs.slice(sep + 1) : [];
  let watchArgs = operands;
  if (env.key !== '') {
    // The key may come from ETCDCTL_WATCH_KEY or the command line, not both.
    const given = sep >= 0 ? operands.length - execArgs.length : operands.length;
    if (given > 0) throw badArgs(BAD_ARGS_ENV);
  }
  watchArgs = withEnvKey(watchArgs, env);
  if (execArgs.length > 0) watchArgs = cutExec(watchArgs, execArgs[0]!);
  return { watchArgs, execArgs };
}

/** The flags and words of one interactive `watch ...` line (words after "watch"). */
export function parseInteractiveWatch(words: string[], env: WatchEnv): WatchArgs & { flags: WatchFlags } {
  const sep = words.indexOf('--');
  if (sep >= 0 && sep === words.length - 1) throw badArgs(BAD_ARGS_SEPARATOR);
  const flags: WatchFlags = { prefix: false, rev: 0, prevKv: false };
  const operands: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') {
      operands.push(...words.slice(i + 1));
      break;
    }
    if (!w.startsWith('-') || w === '-') {
      operands.push(w);
      continue;
    }
    const [name, inline] = w.includes('=') ? [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)] : [w, undefined];
    switch (name) {
      case '--prefix':
        flags.prefix = inline === undefined || inline === 'true';
        break;
      case '--prev-kv':
        flags.prevKv = inline === undefined || inline === 'true';
        break;
      case '-i':
      case '--interactive':
        break;
      case '--rev': {
        const v = inline ?? words[++i];
        if (v === undefined) throw flagError(`flag needs an argument: --rev`);
        if (!/^[+-]?\d+$/.test(v)) throw flagError(`invalid argument "${v}" for "--rev" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
        flags.rev = Number(v);
        break;
      }
      default:
        throw flagError(name.startsWith('--') ? `unknown flag: ${name}` : `unknown shorthand flag: '${name.slice(1, 2)}' in ${name}`);
    }
  }
  if (sep < 0 && env.key === '' && operands.length < 1) throw badArgs(BAD_ARGS);
  if (sep < 0 && operands.length > 0 && env.key !== '') throw badArgs(BAD_ARGS_ENV);
  const execArgs = sep >= 0 ? words.slice(sep + 1) : [];
  let watchArgs = withEnvKey(operands, env);
  if (execArgs.length > 0) watchArgs = cutExec(watchArgs, execArgs[0]!);
  return { watchArgs, execArgs, flags };
}

function flagError(message: string): CtlError {
  return badArgs(message);
}

/** The watched range from the words, as etcdctl's getWatchChan checks them; a string is the error. */
export function watchRange(args: string[], prefix: boolean): { key: string; end?: string } | string {
  if (args.length < 1) return BAD_ARGS;
  if (args.length === 2) {
    if (prefix) return '`range_end` and `--prefix` are mutually exclusive';
    return { key: args[0]!, end: args[1]! };
  }
  return { key: args[0]! };
}
