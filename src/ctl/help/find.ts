// cobra's command lookup, which etcdctl runs before parsing any flag: the command words are the
// arguments left once flags are stripped (a flag that is not a known boolean, -h/--help included,
// is taken to swallow the next word), a word may be a unique prefix of a command's name
// (etcdctl sets cobra.EnablePrefixMatching), and a first word naming no command is an error with
// cobra's suggestions.
import type { Command } from 'commander';

/**
 * etcdctl 3.4.23's commands in the order it adds them, then cobra's help and completion: the
 * candidates for prefix matching and the order of suggestions. migrate and completion are not
 * raftkvctl's, but they make a prefix ambiguous as they do for etcdctl.
 */
const ETCDCTL_ROOT_COMMANDS = [
  'get', 'put', 'del', 'txn', 'compaction', 'alarm', 'defrag', 'endpoint', 'move-leader', 'watch', 'version',
  'lease', 'member', 'snapshot', 'make-mirror', 'migrate', 'lock', 'elect', 'auth', 'user', 'role', 'check',
  'help', 'completion',
];

/** cobra's SuggestionsMinimumDistance. */
const SUGGEST_DISTANCE = 2;

export type Found =
  | { ok: true; cmd: Command; args: string[] }
  | { ok: false; word: string; suggestions: string[] };

/** Whether `flag` ("--name" or "-n") is a boolean of `cmd` or of a command above it (whose flags it inherits). */
function isBoolFlag(cmd: Command, flag: string): boolean {
  if (flag === '-h' || flag === '--help') return false; // cobra adds its help flag only after the lookup
  for (let c: Command | null = cmd; c !== null; c = c.parent) {
    const o = c.options.find((opt) => opt.long === flag || opt.short === flag);
    if (o !== undefined) return !o.required && !o.optional;
  }
  return false;
}

/** cobra's stripFlags over the arguments at `view` (positions in `args`): the positions of the words that are not flags or flag values. */
function commandWords(cmd: Command, args: readonly string[], view: readonly number[]): number[] {
  const out: number[] = [];
  for (let k = 0; k < view.length; k++) {
    const s = args[view[k]!]!;
    if (s === '--') break;
    const takesValue =
      !s.includes('=') && ((s.startsWith('--') && !isBoolFlag(cmd, s)) || (s.startsWith('-') && s.length === 2 && !isBoolFlag(cmd, s)));
    if (takesValue) {
      if (view.length - k - 1 <= 1) break;
      k++;
      continue;
    }
    if (s !== '' && !s.startsWith('-')) out.push(view[k]!);
  }
  return out;
}

/** cobra's findNext: the command named `word`, or the only one whose name it begins. */
function findNext(cmd: Command, word: string): Command | undefined {
  const exact = cmd.commands.find((c) => c.name() === word);
  if (exact !== undefined) return exact;
  if (cmd.parent === null) {
    const name = rootName(word);
    return cmd.commands.find((c) => c.name() === name);
  }
  const matches = cmd.commands.filter((c) => c.name().startsWith(word));
  return matches.length === 1 ? matches[0] : undefined;
}

/** The etcdctl command the first command word names, exactly or as a unique prefix: the module to load. */
export function rootCommandName(root: Command, args: readonly string[]): string | undefined {
  const at = commandWords(root, args, args.map((_, i) => i))[0];
  return at === undefined ? undefined : rootName(args[at]!);
}

function rootName(word: string): string | undefined {
  if (ETCDCTL_ROOT_COMMANDS.includes(word)) return word;
  const matches = ETCDCTL_ROOT_COMMANDS.filter((n) => n.startsWith(word));
  return matches.length === 1 ? matches[0] : undefined;
}

/** Levenshtein distance, ignoring case (cobra's ld). */
function distance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[t.length]!;
}

function suggestionsFor(word: string): string[] {
  // Not the word itself: an etcdctl command raftkvctl lacks (migrate, completion) is simply unknown.
  return ETCDCTL_ROOT_COMMANDS.filter((n) => n !== word && (distance(word, n) <= SUGGEST_DISTANCE || n.startsWith(word.toLowerCase())));
}

/**
 * The command `args` (argv without node and script) run, and the arguments with each prefix
 * replaced by the command's full name; or the unknown first word, as cobra's legacyArgs finds it.
 */
export function findCommand(root: Command, args: readonly string[]): Found {
  const out = [...args];
  // cobra looks again at the arguments without the command words already taken.
  let view = out.map((_, i) => i);
  let cmd = root;
  for (;;) {
    const at = commandWords(cmd, out, view)[0];
    const sub = at === undefined ? undefined : findNext(cmd, out[at]!);
    if (at === undefined || sub === undefined) {
      if (cmd === root && at !== undefined) return { ok: false, word: out[at]!, suggestions: suggestionsFor(out[at]!) };
      return { ok: true, cmd, args: out };
    }
    out[at] = sub.name();
    view = view.filter((i) => i !== at);
    cmd = sub;
  }
}

/** cobra's message for an unknown first word, suggestions included. */
export function unknownCommandMessage(word: string, suggestions: readonly string[]): string {
  const also = suggestions.length === 0 ? '' : `\n\nDid you mean this?\n\t${suggestions.join('\n\t')}\n`;
  return `unknown command "${word}" for "etcdctl"${also}`;
}
