// member list.
import type { Command } from 'commander';
import { memberListOutput } from './format/cluster.js';
import { readGlobals, withClient } from './globals.js';
import { printText } from './io.js';

export function registerMemberCommands(program: Command): void {
  const member = program.command('member').description('Membership related commands');

  member
    .command('list')
    .description('Lists all members in the cluster')
    .action(async (_flags: object, cmd: Command) => {
      const g = readGlobals(cmd);
      const r = await withClient(g, (c) => c.memberList());
      printText(memberListOutput(r, g.format));
    });
}
