// The help table describes raftkvctl's own commands: every command commander
// knows has etcdctl's entry, with the same flags, apart from the known gaps.
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../program.js';
import { findHelp } from './render.js';

/** Flags raftkvctl defines that etcdctl 3.4's help does not list, or the reverse, per command. */
const KNOWN: Record<string, { extra?: string[]; missing?: string[] }> = {
  get: { extra: ['count-only'] }, // an etcd 3.5 flag, kept out of 3.4's help
  // etcdctl's --cluster is persistent on `endpoint`; commander defines it on the group and each subcommand.
  'endpoint hashkv': { extra: ['cluster'] },
  'endpoint health': { extra: ['cluster'] },
  'endpoint status': { extra: ['cluster'] },
};

function commands(c: Command, path = ''): [string, Command][] {
  return [[path, c], ...c.commands.flatMap((s) => commands(s, path === '' ? s.name() : `${path} ${s.name()}`))];
}

const program = await buildProgram();

describe('etcdctl help table', () => {
  it.each(commands(program))('%j: flags as etcdctl lists them', (path, cmd) => {
    const help = findHelp(path);
    expect(help).toBeDefined();
    // -h/--help: cobra's own flag, which the renderer adds.
    const ours = cmd.options.map((o) => o.long?.replace(/^--/, '') ?? '').filter((f) => f !== 'help');
    const theirs = (help?.flags ?? []).map((f) => f.long);
    expect({
      extra: ours.filter((f) => !theirs.includes(f)).sort(),
      missing: theirs.filter((f) => !ours.includes(f)).sort(),
    }).toEqual({ extra: KNOWN[path]?.extra ?? [], missing: KNOWN[path]?.missing ?? [] });
  });
});
