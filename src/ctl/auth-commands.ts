// auth enable | disable. Whatever the output format, etcdctl prints a fixed line.
import type { Command } from 'commander';
import * as rpc from '../gen/etcdserverpb.js';
import type { EtcdClient } from '../client/etcd-client.js';
import { EtcdClientError } from '../client/errors.js';
import { badArgs } from './exit.js';
import { authCall } from './auth-output.js';
import { readGlobals } from './globals.js';
import { logFailedCall } from './zap-warn.js';

const ROOT_ROLE_MISSING = 'etcdserver: root user does not have root role';

/**
 * Like etcdctl: when the root user lacks the root role, the role is created
 * and granted, then enabling is tried again.
 */
async function enable(c: EtcdClient): Promise<void> {
  for (;;) {
    try {
      await c.unary(rpc.AuthService.AuthEnable, {});
      return;
    } catch (e) {
      if (!(e instanceof EtcdClientError) || e.details !== ROOT_ROLE_MISSING) throw e;
      logFailedCall(e);
    }
    await c.unary(rpc.AuthService.RoleAdd, { name: 'root' });
    await c.unary(rpc.AuthService.UserGrantRole, { user: 'root', role: 'root' });
  }
}

export function registerAuthCommands(program: Command): void {
  const auth = program.command('auth').description('Enable or disable authentication').usage('<enable or disable>');

  auth
    .command('enable')
    .description('Enables authentication')
    .argument('[args...]')
    .action(async (args: string[], _flags: object, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length !== 0) throw badArgs('auth enable command does not accept any arguments');
      await authCall(g, enable);
      process.stdout.write('Authentication Enabled\n');
    });

  auth
    .command('disable')
    .description('Disables authentication')
    .argument('[args...]')
    .action(async (args: string[], _flags: object, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length !== 0) throw badArgs('auth disable command does not accept any arguments');
      await authCall(g, (c) => c.unary(rpc.AuthService.AuthDisable, {}));
      process.stdout.write('Authentication Disabled\n');
    });
}
