// role add | delete | get | list | grant-permission | revoke-permission.
import type { Command } from 'commander';
import * as authpb from '../gen/authpb.js';
import * as rpc from '../gen/etcdserverpb.js';
import { ALL_KEYS_END, prefixEnd } from '../client/key-range.js';
import { badArgs } from './exit.js';
import { revokePermissionText } from './format/auth.js';
import { fieldsRoleList } from './format/fields.js';
import { protoJson } from './format/json.js';
import { joinLines } from './format/lines.js';
import { readGlobals } from './globals.js';
import { display, protobufBytes } from './output.js';
import { authCall, changeRenderers, roleGetRenderers } from './auth-output.js';

interface RangeFlags {
  prefix?: boolean;
  fromKey?: boolean;
}

/** The range end --prefix, --from-key or an end key argument give (etcdctl's rangeEndFromPermFlags). */
function rangeEndOf(args: readonly string[], f: RangeFlags): Buffer {
  if (args.length === 1) {
    if (f.prefix === true) {
      if (f.fromKey === true) throw badArgs('--from-key and --prefix flags are mutually exclusive');
      return prefixEnd(Buffer.from(args[0]!, 'utf8'));
    }
    return f.fromKey === true ? ALL_KEYS_END : Buffer.alloc(0);
  }
  if (f.prefix === true) throw badArgs('unexpected endkey argument with --prefix flag');
  if (f.fromKey === true) throw badArgs('unexpected endkey argument with --from-key flag');
  return Buffer.from(args[1]!, 'utf8');
}

/**
 * The key and range end of a permission. An empty key means the whole
 * keyspace to etcd's server: it is sent as "\0", open ended with --prefix or --from-key.
 */
function permRange(args: readonly string[], f: RangeFlags): { key: Buffer; rangeEnd: Buffer } {
  if (args[0] !== '') return { key: Buffer.from(args[0]!, 'utf8'), rangeEnd: rangeEndOf(args, f) };
  if (f.prefix === true && f.fromKey === true) throw badArgs('--from-key and --prefix flags are mutually exclusive');
  return { key: ALL_KEYS_END, rangeEnd: f.prefix === true || f.fromKey === true ? ALL_KEYS_END : Buffer.alloc(0) };
}

function permType(arg: string): authpb.Permission_Type {
  const t = (authpb.Permission_Type as Record<string, authpb.Permission_Type | string | undefined>)[arg.toUpperCase()];
  if (typeof t !== 'number') throw badArgs(`invalid permission type: ${arg}`);
  return t;
}

export function registerRoleCommands(program: Command): void {
  const role = program.command('role').description('Role related commands');

  role
    .command('add')
    .description('Adds a new role')
    .usage('<role name>')
    .argument('[args...]')
    .action(async (args: string[], _flags: object, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length !== 1) throw badArgs('role add command requires role name as its argument');
      const r = await authCall(g, (c) => c.unary(rpc.AuthService.RoleAdd, { name: args[0]! }));
      display(g, changeRenderers(`Role ${args[0]!} created`, rpc.AuthRoleAddResponse, r));
    });

  role
    .command('delete')
    .description('Deletes a role')
    .usage('<role name>')
    .argument('[args...]')
    .action(async (args: string[], _flags: object, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length !== 1) throw badArgs('role delete command requires role name as its argument');
      const r = await authCall(g, (c) => c.unary(rpc.AuthService.RoleDelete, { role: args[0]! }));
      display(g, changeRenderers(`Role ${args[0]!} deleted`, rpc.AuthRoleDeleteResponse, r));
    });

  role
    .command('get')
    .description('Gets detailed information of a role')
    .usage('<role name>')
    .argument('[args...]')
    .action(async (args: string[], _flags: object, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length !== 1) throw badArgs('role get command requires role name as its argument');
      const r = await authCall(g, (c) => c.unary(rpc.AuthService.RoleGet, { role: args[0]! }));
      display(g, roleGetRenderers(args[0]!, r));
    });

  role
    .command('list')
    .description('Lists all roles')
    .argument('[args...]')
    .action(async (args: string[], _flags: object, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length !== 0) throw badArgs('role list command requires no arguments');
      const r = await authCall(g, (c) => c.unary(rpc.AuthService.RoleList, {}));
      display(g, {
        simple: () => joinLines(r.roles),
        json: () => `${protoJson(r)}\n`,
        fields: () => fieldsRoleList(r),
        protobuf: () => protobufBytes(rpc.AuthRoleListResponse, r),
      });
    });

  role
    .command('grant-permission')
    .description('Grants a key to a role')
    .usage('[options] <role name> <permission type> <key> [endkey]')
    .argument('[args...]')
    .option('--prefix', 'grant a prefix permission')
    .option('--from-key', 'grant a permission of keys that are greater than or equal to the given key using byte compare')
    .action(async (args: string[], flags: RangeFlags, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length < 3) throw badArgs('role grant command requires role name, permission type, and key [endkey] as its argument');
      const type = permType(args[1]!);
      const { key, rangeEnd } = permRange(args.slice(2), flags);
      const perm: authpb.PermissionInit = { permType: type, key, range_end: rangeEnd };
      const r = await authCall(g, (c) => c.unary(rpc.AuthService.RoleGrantPermission, { name: args[0]!, perm }));
      display(g, changeRenderers(`Role ${args[0]!} updated`, rpc.AuthRoleGrantPermissionResponse, r));
    });

  role
    .command('revoke-permission')
    .description('Revokes a key from a role')
    .usage('<role name> <key> [endkey]')
    .argument('[args...]')
    .option('--prefix', 'revoke a prefix permission')
    .option('--from-key', 'revoke a permission of keys that are greater than or equal to the given key using byte compare')
    .action(async (args: string[], flags: RangeFlags, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length < 2) throw badArgs('role revoke-permission command requires role name and key [endkey] as its argument');
      const { key, rangeEnd } = permRange(args.slice(1), flags);
      const req: rpc.AuthRoleRevokePermissionRequestInit = { role: args[0]!, key, range_end: rangeEnd };
      const r = await authCall(g, (c) => c.unary(rpc.AuthService.RoleRevokePermission, req));
      display(g, changeRenderers(revokePermissionText(args[0]!, args[1]!, rangeEnd), rpc.AuthRoleRevokePermissionResponse, r));
    });
}
