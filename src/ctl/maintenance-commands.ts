// compaction, defrag, alarm list | disarm.
import type { Command } from 'commander';
import { badArgs, ExitCode } from './exit.js';
import { errorMessage } from './call-errors.js';
import { defragDataDir } from './defrag-data-dir.js';
import { alarmText } from './format/cluster.js';
import { protoJson } from './format/json.js';
import * as rpc from '../gen/etcdserverpb.js';
import { fieldsAlarm } from './format/fields.js';
import { readGlobals, withClient } from './globals.js';
import { display, protobufBytes, type Renderers } from './output.js';
import { targetEndpoints } from './endpoint-commands.js';
import { printErr, printText } from './io.js';
import { parseIntArg } from './parse.js';
import { startProgress } from './progress.js';

function alarmRenderers(r: rpc.AlarmResponse): Renderers {
  return {
    simple: () => alarmText(r),
    json: () => `${protoJson(r)}\n`,
    fields: () => fieldsAlarm(r),
    protobuf: () => protobufBytes(rpc.AlarmResponse, r),
  };
}

export function registerMaintenanceCommands(program: Command): void {
  program
    .command('compaction')
    .description('Compacts the event history in etcd')
    .usage('[options] <revision>')
    .argument('[revision...]')
    .option('--physical', 'wait for the compaction to physically remove all old revisions')
    .action(async (args: string[], flags: { physical?: boolean }, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length !== 1) throw badArgs('compaction command needs 1 argument');
      let rev: number;
      try {
        rev = parseIntArg(args[0]!);
      } catch (e) {
        throw badArgs((e as Error).message);
      }
      await withClient(g, (c) => c.compact(rev, flags.physical === true));
      printText(`compacted revision ${rev}\n`);
    });

  program
    .command('defrag')
    .description('Defragments the storage of the etcd members with given endpoints')
    .option('--cluster', 'use all endpoints from the cluster member list')
    .option('--data-dir <dir>', 'defragments a data directory not in use by a member')
    .action(async (flags: { cluster?: boolean; dataDir?: string }, cmd: Command) => {
      // etcdctl: a data dir wins over endpoints, and no client is made.
      if (flags.dataDir !== undefined && flags.dataDir !== '') {
        defragDataDir(flags.dataDir);
        return;
      }
      const g = readGlobals(cmd);
      let failed = false;
      const endpoints = await targetEndpoints(g, flags.cluster === true);
      // Members defragmented so far, on stderr when it is a terminal.
      const bar = startProgress(process.stderr, endpoints.length);
      for (const ep of endpoints) {
        try {
          await withClient(g, (c) => c.defragment(), [ep]);
          bar.interrupt(() => printText(`Finished defragmenting etcd member[${ep}]\n`));
        } catch (e) {
          failed = true;
          bar.interrupt(() => printErr(`Failed to defragment etcd member[${ep}] (${errorMessage(e)})\n`));
        }
        bar.add(1);
      }
      bar.finish();
      if (failed) process.exitCode = ExitCode.Error;
    });

  const alarm = program.command('alarm').description('Alarm related commands');

  alarm
    .command('list')
    .description('Lists all alarms')
    .action(async (_flags: object, cmd: Command) => {
      const g = readGlobals(cmd);
      const r = await withClient(g, (c) => c.alarmList());
      display(g, alarmRenderers(r));
    });

  alarm
    .command('disarm')
    .description('Disarms all alarms')
    .action(async (_flags: object, cmd: Command) => {
      const g = readGlobals(cmd);
      const r = await withClient(g, (c) => c.alarmDisarm());
      display(g, alarmRenderers(r));
    });
}
