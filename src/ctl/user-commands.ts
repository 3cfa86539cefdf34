// user add | delete | get | list | passwd | grant-role | revoke-role.
import type { Command } from 'commander';
import * as rpc from '../gen/etcdserverpb.js';
import { badArgs } from './exit.js';
import { authCall, changeRenderers, roleGetRenderers } from './auth-output.js';
import { userGetText } from './format/auth.js';
import { protoJson } from './format/json.js';
import { joinLines } from './format/lines.js';
import { readGlobals } from './globals.js';
import { display, protobufBytes } from './output.js';
import { flagBool } from './parse.js';
import { readNewPassword } from './password-prompt.js';

interface AddFlags {
  interactive?: string | boolean;
  newUserPassword?: string;
  password?: boolean;
}

/** The name and password `user add` creates, from its argument and flags. */
async function newUser(arg: string, flags: AddFlags): Promise<{ name: string; password: string; noPassword: boolean }> {
  // commander stores --no-password as password: false.
  if (flags.password === false) return { name: arg, password: '', noPassword: true };
  if (flags.newUserPassword !== undefined && flags.newUserPassword !== '') {
    return { name: arg, password: flags.newUserPassword, noPassword: false };
  }
  const colon = arg.indexOf(':');
  if (colon < 0) return { name: arg, password: await readNewPassword(arg, flagBool(flags.interactive, true)), noPassword: false };
  const name = arg.slice(0, colon);
  if (name === '') throw badArgs('empty user name is not allowed');
  return { name, password: arg.slice(colon + 1), noPassword: false };
}

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('User related commands');

  user
    .command('add')
    .description('Adds a new user')
    .usage('<user name or user:password> [options]')
    .argument('[args...]')
    .option('--interactive [bool]', 'Read password from stdin instead of interactive terminal')
    .option('--new-user-password <password>', 'Supply password from the command line flag')
    .option('--no-password', 'Create a user without password (CN based auth only)')
    .action(async (args: string[], flags: AddFlags, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length !== 1) throw badArgs('user add command requires user name as its argument');
      const u = await newUser(args[0]!, flags);
      const req: rpc.AuthUserAddRequestInit = { name: u.name, password: u.password, options: { no_password: u.noPassword } };
      const r = await authCall(g, (c) => c.unary(rpc.AuthService.UserAdd, req));
      display(g, changeRenderers(`User ${u.name} created`, rpc.AuthUserAddResponse, r));
    });

  user
    .command('delete')
    .description('Deletes a user')
    .usage('<user name>')
    .argument('[args...]')
    .action(async (args: string[], _flags: object, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length !== 1) throw badArgs('user delete command requires user name as its argument');
      const r = await authCall(g, (c) => c.unary(rpc.AuthService.UserDelete, { name: args[0]! }));
      display(g, changeRenderers(`User ${args[0]!} deleted`, rpc.AuthUserDeleteResponse, r));
    });

  user
    .command('get')
    .description('Gets detailed information of a user')
    .usage('<user name> [options]')
    .argument('[args...]')
    .option('--detail', 'Show permissions of roles granted to the user')
    .action(async (args: string[], flags: { detail?: boolean }, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length !== 1) throw badArgs('user get command requires user name as its argument');
      const name = args[0]!;
      await authCall(g, async (c) => {
        const r = await c.unary(rpc.AuthService.UserGet, { name });
        if (flags.detail !== true) {
          // etcdctl's fields printer has no user get.
          display(g, {
            simple: () => userGetText(name, r),
            json: () => `${protoJson(r)}\n`,
            protobuf: () => protobufBytes(rpc.AuthUserGetResponse, r),
          });
          return;
        }
        process.stdout.write(`User: ${name}\n`);
        for (const role of r.roles) {
          process.stdout.write('\n');
          const rr = await c.unary(rpc.AuthService.RoleGet, { role });
          display(g, roleGetRenderers(role, rr));
        }
      });
    });

  user
    .command('list')
    .description('Lists all users')
    .argument('[args...]')
    .action(async (args: string[], _flags: object, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length !== 0) throw badArgs('user list command requires no arguments');
      const r = await authCall(g, (c) => c.unary(rpc.AuthService.UserList, {}));
      display(g, {
        simple: () => joinLines(r.users),
        json: () => `${protoJson(r)}\n`,
        protobuf: () => protobufBytes(rpc.AuthUserListResponse, r),
      });
    });

  user
    .command('passwd')
    .description('Changes password of user')
    .usage('<user name> [options]')
    .argument('[args...]')
    .option('--interactive [bool]', 'If true, read password from stdin instead of interactive terminal')
    .action(async (args: string[], flags: { interactive?: string | boolean }, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length !== 1) throw badArgs('user passwd command requires user name as its argument');
      const password = await readNewPassword(args[0]!, flagBool(flags.interactive, true));
      const r = await authCall(g, (c) => c.unary(rpc.AuthService.UserChangePassword, { name: args[0]!, password }));
      display(g, changeRenderers('Password updated', rpc.AuthUserChangePasswordResponse, r));
    });

  user
    .command('grant-role')
    .description('Grants a role to a user')
    .usage('<user name> <role name>')
    .argument('[args...]')
    .action(async (args: string[], _flags: object, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length !== 2) throw badArgs('user grant command requires user name and role name as its argument');
      const [name, role] = args as [string, string];
      const r = await authCall(g, (c) => c.unary(rpc.AuthService.UserGrantRole, { user: name, role }));
      display(g, changeRenderers(`Role ${role} is granted to user ${name}`, rpc.AuthUserGrantRoleResponse, r));
    });

  user
    .command('revoke-role')
    .description('Revokes a role from a user')
    .usage('<user name> <role name>')
    .argument('[args...]')
    .action(async (args: string[], _flags: object, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length !== 2) throw badArgs('user revoke-role requires user name and role name as its argument');
      const [name, role] = args as [string, string];
      const r = await authCall(g, (c) => c.unary(rpc.AuthService.UserRevokeRole, { name, role }));
      display(g, changeRenderers(`Role ${role} is revoked from user ${name}`, rpc.AuthUserRevokeRoleResponse, r));
    });
}
