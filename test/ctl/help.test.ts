// etcdctl's help, byte for byte: `--help`, `-h`, `help [command]` for the root
// and every command raftkvctl shares with etcdctl 3.4, a command group given
// alone, an unknown flag (help on stdout, the error on stderr, exit 1) and an
// unknown command (cobra's lines on stderr, exit 1).
// No server is involved.
// raftkvctl names itself "etcdctl" in help, as etcdctl does, so the outputs
// are compared unchanged.
import { describe, expect, it } from 'vitest';
import { Etcdctl, type CtlResult } from '../support/etcdctl.js';
import { prereqs } from '../support/env.js';
import { raftkvctl } from '../support/raftkvctl.js';

const pre = prereqs({ etcdctl: true });

// etcdctl 3.4's commands that raftkvctl has (all but completion and migrate).
const COMMANDS = [
  'alarm', 'alarm disarm', 'alarm list',
  'auth', 'auth disable', 'auth enable',
  'check', 'check datascale', 'check perf',
  'compaction', 'defrag', 'del', 'elect',
  'endpoint', 'endpoint hashkv', 'endpoint health', 'endpoint status',
  'get', 'help',
  'lease', 'lease grant', 'lease keep-alive', 'lease list', 'lease revoke', 'lease timetolive',
  'lock', 'make-mirror',
  'member', 'member add', 'member list', 'member promote', 'member remove', 'member update',
  'move-leader', 'put',
  'role', 'role add', 'role delete', 'role get', 'role grant-permission', 'role list', 'role revoke-permission',
  'snapshot', 'snapshot restore', 'snapshot save', 'snapshot status',
  'txn',
  'user', 'user add', 'user delete', 'user get', 'user grant-role', 'user list', 'user passwd', 'user revoke-role',
  'version', 'watch',
].map((c) => c.split(' '));

const CASES: string[][] = [
  [], ['--help'], ['-h'], ['help'], ['help', 'nosuch'], ['help', 'member', 'nosuch'], ['--bogus'],
  ...COMMANDS.flatMap((c) => [[...c, '--help'], ['help', ...c]]),
  ['member', '-h'], ['get', '--help', 'k'],
  // A group alone or with an unknown subcommand: its help, status 0.
  ...COMMANDS.filter((c) => COMMANDS.some((d) => d.length > 1 && d[0] === c[0]) && c.length === 1),
  ['member', 'nosuch'], ['lease', 'x', 'y'],
  // cobra's order: flags are parsed before help is shown; a word after -h/--help is taken as its value.
  ['get', '--bogus', '--help'], ['get', '-hz'], ['get', '--help=false', '--bogus'], ['member', '--help', 'add'], ['endpoint', '--cluster', '--help'],
  ['member', '--bogus'], ['member', 'add', '--bogus'], ['get', '--bogus', 'k'], ['get', '-z', 'k'], ['endpoint', 'status', '--bogus'],
  // Unknown commands: cobra's error, its usage hint and etcdctl's error again, exit 1; found before flags are parsed.
  ['nosuch'], ['nosuch', 'x', 'y'], ['nosuch', '--bogus'], ['nosuch', '-h'], ['--endpoints', 'x', 'nosuch'], ['-w', 'json', 'nosuch'],
  ['--help', 'member', 'add'], ['--help', 'nosuch'], ['-h', 'nosuch'], ['--bogus', 'x'], ['--', 'nosuch'],
  // cobra's suggestions (edit distance <= 2 or a prefix) and prefix matching (a unique prefix names the command).
  ['gett'], ['m'], ['e'], ['c'], ['comp'], ['a'], ['GET'], ['memb'], ['Me'], ['hel'], ['memb', 'nosuch'], ['member', 'li', '--bogus'],
];

/** Runs `jobs` with at most `width` at a time, results in order. */
async function pool<T>(jobs: (() => Promise<T>)[], width: number): Promise<T[]> {
  const results: T[] = new Array<T>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

const view = (args: string[], r: CtlResult) => ({ args: args.join(' '), stdout: r.stdout, stderr: r.stderr, code: r.code });

describe.skipIf(pre.skip)('raftkvctl help = etcdctl help', () => {
  // No server involved: an endpoint nobody listens on.
  const endpoint = '127.0.0.1:1';

  it('every command: --help, help <command>, unknown flags', async () => {
    pre.assert();
    const theirs = new Etcdctl(endpoint);
    const ours = raftkvctl(endpoint);
    const results = await pool(
      CASES.map((args) => async () => [view(args, await theirs.run(args)), view(args, await ours.run(args))] as const),
      4,
    );
    const differing = results.filter(([t, o]) => JSON.stringify(t) !== JSON.stringify(o));
    // One readable diff for the first mismatch, and the list of all of them.
    expect(differing.map(([t]) => t.args)).toEqual([]);
    for (const [t, o] of results) expect(o).toEqual(t);
  }, 120_000);

  it('the layout etcdctl prints', async () => {
    pre.assert();
    const r = await raftkvctl(endpoint).run(['lease', 'grant', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('GLOBAL OPTIONS:')[0]).toBe(
      ['NAME:', '\tlease grant - Creates leases', '', 'USAGE:', '\tetcdctl lease grant <ttl> [flags]', '', 'OPTIONS:', '  -h, --help[=false]\thelp for grant', '', ''].join('\n'),
    );
    expect(r.stdout.endsWith('  -w, --write-out="simple"\t\t\tset the output format (fields, json, protobuf, simple, table)\n\n')).toBe(true);
  });
});
