// put / get / del as requests: their flags, checks and etcdctl's error
// messages, shared by the commands themselves and by txn's operation lines.
import type { Command } from 'commander';
import { resolveRange } from '../client/key-range.js';
import * as rpc from '../gen/etcdserverpb.js';
import { CtlError, ExitCode, badArgs } from './exit.js';
import { parseInt64, parseIntArg } from './parse.js';

export interface PutFlags {
  lease: string;
  prevKv?: boolean;
  ignoreValue?: boolean;
  ignoreLease?: boolean;
}

export interface GetFlags {
  prefix?: boolean;
  fromKey?: boolean;
  limit: string;
  rev: string;
  keysOnly?: boolean;
  printValueOnly?: boolean;
  countOnly?: boolean;
  consistency: string;
  order: string;
  sortBy: string;
}

export interface DelFlags {
  prefix?: boolean;
  fromKey?: boolean;
  prevKv?: boolean;
}

export function addPutFlags(cmd: Command): Command {
  return cmd
    .usage('[options] <key> <value> (<value> can also be given from stdin)')
    .argument('[key-value...]')
    .option('--lease <id>', 'lease ID (in hexadecimal) to attach to the key', '0')
    .option('--prev-kv', 'return the previous key-value pair before modification')
    .option('--ignore-value', 'updates the key using its current value')
    .option('--ignore-lease', 'updates the key using its current lease');
}

export function addGetFlags(cmd: Command): Command {
  return cmd
    .usage('[options] <key> [range_end]')
    .argument('[key-range_end...]')
    .option('--prefix', 'get keys with matching prefix')
    .option('--from-key', 'get keys that are greater than or equal to the given key using byte compare')
    .option('--limit <n>', 'maximum number of results', '0')
    .option('--rev <n>', 'specify the kv revision', '0')
    .option('--keys-only', 'get only the keys')
    .option('--print-value-only', 'only write values when using the "simple" output format')
    .option('--count-only', 'get only the count (not in etcdctl 3.4)')
    .option('--consistency <l|s>', 'linearizable(l) or serializable(s)', 'l')
    .option('--order <order>', 'order of results; ASCEND or DESCEND (ASCEND by default)', '')
    .option('--sort-by <target>', 'sort target; CREATE, KEY, MODIFY, VALUE, or VERSION', '');
}

export function addDelFlags(cmd: Command): Command {
  return cmd
    .usage('[options] <key> [range_end]')
    .argument('[key-range_end...]')
    .option('--prefix', 'delete keys with matching prefix')
    .option('--from-key', 'delete keys that are greater than or equal to the given key using byte compare')
    .option('--prev-kv', 'return deleted key-value pairs');
}

const SORT_ORDER: Record<string, rpc.RangeRequest_SortOrder> = {
  '': rpc.RangeRequest_SortOrder.NONE,
  ASCEND: rpc.RangeRequest_SortOrder.ASCEND,
  DESCEND: rpc.RangeRequest_SortOrder.DESCEND,
};

const SORT_TARGET: Record<string, rpc.RangeRequest_SortTarget> = {
  '': rpc.RangeRequest_SortTarget.KEY,
  KEY: rpc.RangeRequest_SortTarget.KEY,
  CREATE: rpc.RangeRequest_SortTarget.CREATE,
  MODIFY: rpc.RangeRequest_SortTarget.MOD,
  VALUE: rpc.RangeRequest_SortTarget.VALUE,
  VERSION: rpc.RangeRequest_SortTarget.VERSION,
};

function numberFlag(value: string): number {
  try {
    return parseIntArg(value);
  } catch (e) {
    throw badArgs((e as Error).message);
  }
}

/** The range the key arguments and --prefix/--from-key select, checked as etcdctl checks them. */
function rangeArgs(cmd: string, args: string[], prefix: boolean, fromKey: boolean, extraArgsOk = false): { key: string; end?: string } {
  if (args.length === 0 || (args.length > 2 && !extraArgsOk)) {
    throw badArgs(`${cmd} command needs one argument as key and an optional argument as range_end`);
  }
  if (prefix && fromKey) throw badArgs('`--prefix` and `--from-key` cannot be set at the same time, choose one');
  if (args.length >= 2 && (prefix || fromKey)) {
    throw badArgs('too many arguments, only accept one argument when `--prefix` or `--from-key` is set');
  }
  return args.length >= 2 ? { key: args[0]!, end: args[1]! } : { key: args[0]! };
}

export const PUT_USAGE = 'put command needs 1 argument and input from stdin or 2 arguments';

/** A put request; `stdinValue` is read only when the value is not on the command line. */
export async function putRequest(args: string[], flags: PutFlags, stdinValue: () => Promise<Buffer>): Promise<rpc.PutRequestInit> {
  if (args.length === 0) throw badArgs(PUT_USAGE);
  if (flags.ignoreValue && args.length > 1) throw badArgs("put command needs only 1 argument when 'ignore-value' is set");
  let value: Buffer = Buffer.alloc(0);
  if (!flags.ignoreValue) {
    // Words after the value are ignored, as etcdctl does.
    value = args.length >= 2 ? Buffer.from(args[1]!, 'utf8') : await stdinValue();
    if (args.length === 1 && value.length === 0) throw badArgs(PUT_USAGE);
  }
  let lease: bigint;
  try {
    lease = parseInt64(flags.lease, 16);
  } catch (e) {
    throw badArgs(`bad lease ID (${(e as Error).message}), expecting ID in Hex`);
  }
  return {
    key: Buffer.from(args[0]!, 'utf8'),
    value,
    lease,
    prev_kv: flags.prevKv,
    ignore_value: flags.ignoreValue,
    ignore_lease: flags.ignoreLease,
  };
}

export function rangeRequest(args: string[], flags: GetFlags): rpc.RangeRequestInit {
  // etcdctl's get does not check for too many words: the ones after range_end are ignored.
  const { key, end } = rangeArgs('get', args, flags.prefix === true, flags.fromKey === true, true);
  if (flags.consistency !== 'l' && flags.consistency !== 's') {
    throw new CtlError(`unknown consistency flag ${JSON.stringify(flags.consistency)}`, ExitCode.BadFeature);
  }
  const order = SORT_ORDER[flags.order.toUpperCase()];
  if (order === undefined) throw new CtlError(`bad sort order ${flags.order}`, ExitCode.BadFeature);
  const target = SORT_TARGET[flags.sortBy.toUpperCase()];
  if (target === undefined) throw new CtlError(`bad sort target ${flags.sortBy}`, ExitCode.BadFeature);
  const limit = numberFlag(flags.limit);
  const revision = numberFlag(flags.rev);
  return {
    ...resolveRange(key, { end, prefix: flags.prefix, fromKey: flags.fromKey }),
    limit,
    revision: revision > 0 ? revision : 0,
    serializable: flags.consistency === 's',
    keys_only: flags.keysOnly,
    count_only: flags.countOnly,
    // Ascending by key is what the server does anyway (etcd's client sends NONE).
    sort_order: target === rpc.RangeRequest_SortTarget.KEY && order === rpc.RangeRequest_SortOrder.ASCEND ? 0 : order,
    sort_target: target,
  };
}

export function deleteRequest(args: string[], flags: DelFlags): rpc.DeleteRangeRequestInit {
  const { key, end } = rangeArgs('del', args, flags.prefix === true, flags.fromKey === true);
  return { ...resolveRange(key, { end, prefix: flags.prefix, fromKey: flags.fromKey }), prev_kv: flags.prevKv };
}
