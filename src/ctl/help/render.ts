// etcdctl's help template (ctlv3/command/help.go in etcd 3.4) rendered for one
// command of ETCDCTL_COMMANDS. Usage lines name the program "etcdctl", as
// etcdctl's do: raftkvctl stands in for it byte for byte.
import { CTL_API_VERSION, ETCD_RELEASE } from '../../version.js';
import { ETCDCTL_COMMANDS, type CommandHelp, type FlagHelp } from './commands.js';
import { tabwrite } from './tabwriter.js';

const ROOT_NAME = 'etcdctl';

const byPath = new Map(ETCDCTL_COMMANDS.map((c) => [c.path, c]));

export function findHelp(path: string): CommandHelp | undefined {
  return byPath.get(path);
}

const isChildOf = (parent: string) => (c: CommandHelp) => c.path !== parent && (parent === '' || c.path.startsWith(`${parent} `));

function lastName(path: string): string {
  return path === '' ? ROOT_NAME : path.slice(path.lastIndexOf(' ') + 1);
}

function ancestors(path: string): CommandHelp[] {
  const words = path === '' ? [] : path.split(' ');
  return words.map((_, i) => byPath.get(words.slice(0, i).join(' '))).filter((c): c is CommandHelp => c !== undefined);
}

function byName(a: FlagHelp, b: FlagHelp): number {
  return a.long < b.long ? -1 : a.long > b.long ? 1 : 0;
}

/** pflag's listing line as etcdctl formats it: "  -w, --name=default\thelp". */
function flagLine(f: FlagHelp): string {
  const names = f.short === undefined ? `      --${f.long}` : `  -${f.short}, --${f.long}`;
  return `${names}${f.opt === true ? `[=${f.def}]` : `=${f.def}`}\t${f.help}`;
}

export interface RenderOptions {
  /** Leave out -h/--help: cobra adds it lazily, so `etcdctl help <unknown>` prints the root's usage without it. */
  withoutHelpFlag?: boolean;
}

/** etcdctl's help for the command at `path` ('' for the root), as it prints it. */
export function renderHelp(path: string, opts: RenderOptions = {}): string {
  const cmd = byPath.get(path);
  if (cmd === undefined) throw new Error(`no etcdctl help for ${JSON.stringify(path)}`);
  const root = path === '';
  const descendants = ETCDCTL_COMMANDS.filter(isChildOf(path));
  // Runnable descendants only: groups have no Run in etcdctl, so their leaves are listed instead.
  const leaves = descendants.filter((c) => !ETCDCTL_COMMANDS.some(isChildOf(c.path)));
  const helpFlag: FlagHelp = { short: 'h', long: 'help', def: 'false', opt: true, help: `help for ${lastName(path)}` };
  const local = [...cmd.flags, ...(opts.withoutHelpFlag === true ? [] : [helpFlag])].sort(byName);
  const inherited = ancestors(path)
    .flatMap((a) => a.flags.filter((f) => f.persistent === true))
    .sort(byName);
  const usage = [`${ROOT_NAME}${root ? '' : ` ${path}`}`, cmd.use, cmd.flagsInUse === false ? '' : '[flags]'].filter((s) => s !== '').join(' ');

  const out = ['NAME:', `\t${root ? ROOT_NAME : path} - ${cmd.short}`, '', 'USAGE:', `\t${usage}`];
  if (root) out.push('', 'VERSION:', `\t${ETCD_RELEASE}`);
  if (descendants.length > 0) {
    out.push('', 'API VERSION:', `\t${CTL_API_VERSION}`, '', '', 'COMMANDS:');
    const from = root ? 0 : path.length + 1;
    out.push(...leaves.map((c) => `\t${c.path.slice(from)}\t${c.short}`));
  }
  if (cmd.long !== undefined) out.push('', 'DESCRIPTION:', ...cmd.long.split('\n').map((l) => `\t${l}`));
  if (local.length > 0) out.push('', 'OPTIONS:', ...local.map(flagLine));
  if (inherited.length > 0) out.push('', 'GLOBAL OPTIONS:', ...inherited.map(flagLine));
  return tabwrite(`${out.join('\n')}\n\n`);
}
