// put / get / del.
import type { Command } from 'commander';
import { addDelFlags, addGetFlags, addPutFlags, deleteRequest, putRequest, rangeRequest, type DelFlags, type GetFlags, type PutFlags } from './kv-ops.js';
import { delRenderers, getRenderers, putRenderers } from './kv-display.js';
import * as rpc from '../gen/etcdserverpb.js';
import { badArgs } from './exit.js';
import { readGlobals, withClient } from './globals.js';
import { readStdin } from './io.js';
import { display } from './output.js';

export function registerKvCommands(program: Command): void {
  addPutFlags(program.command('put').description('Puts the given key into the store')).action(
    async (args: string[], flags: PutFlags, cmd: Command) => {
      const g = readGlobals(cmd);
      const req = await putRequest(args, flags, readStdin);
      const resp = await withClient(g, (c) => c.unary(rpc.KVService.Put, req));
      display(g, putRenderers(g, resp));
    },
  );

  addGetFlags(program.command('get').description('Gets the key or a range of keys')).action(
    async (args: string[], flags: GetFlags, cmd: Command) => {
      const g = readGlobals(cmd);
      const req = rangeRequest(args, flags);
      const resp = await withClient(g, (c) => c.unary(rpc.KVService.Range, req));
      if (flags.printValueOnly && g.format !== 'simple') throw badArgs('print-value-only is only for `--write-out=simple`');
      display(g, getRenderers(g, resp, flags.printValueOnly === true, flags.countOnly === true));
    },
  );

  addDelFlags(program.command('del').description('Removes the specified key or range of keys [key, range_end)')).action(
    async (args: string[], flags: DelFlags, cmd: Command) => {
      const g = readGlobals(cmd);
      const req = deleteRequest(args, flags);
      const resp = await withClient(g, (c) => c.unary(rpc.KVService.DeleteRange, req));
      display(g, delRenderers(g, resp));
    },
  );
}
