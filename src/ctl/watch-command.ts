// watch: prints events until interrupted or until the server cancels the watch.
import type { Command } from 'commander';
import { CtlError, ExitCode, badArgs, errorMessage } from './exit.js';
import { watchCancelReason, watchJson, watchLines } from './format/kv.js';
import { connect, readGlobals, requireFormat } from './globals.js';
import { printErr, printLines, printText } from './io.js';
import { parseIntArg } from './parse.js';

interface WatchFlags {
  prefix?: boolean;
  rev: string;
  prevKv?: boolean;
}

export function registerWatchCommand(program: Command): void {
  program
    .command('watch')
    .description('Watches events stream on keys or prefixes')
    .usage('[options] <key> [range_end]')
    .argument('[key-range_end...]')
    .option('--prefix', 'watch on a prefix if prefix is set')
    .option('--rev <n>', 'revision to start watching', '0')
    .option('--prev-kv', 'get the previous key-value pair before the event happens')
    .action(async (args: string[], flags: WatchFlags, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length < 1 || args.length > 2 || (flags.prefix && args.length === 2)) throw badArgs('bad number of arguments');
      let startRevision: number;
      try {
        startRevision = parseIntArg(flags.rev);
      } catch (e) {
        throw badArgs((e as Error).message);
      }
      requireFormat(g, 'simple', 'json');
      const client = connect(g);
      let canceledByServer = false;
      const w = client.watch(
        args[0]!,
        { end: args[1], prefix: flags.prefix, startRevision, prevKv: flags.prevKv },
        (resp) => {
          if (resp.canceled) {
            canceledByServer = true;
            printErr(`watch was canceled (${watchCancelReason(resp)})\n`);
          }
          if (resp.events.length === 0) return;
          if (g.format === 'json') printText(`${watchJson(resp)}\n`);
          else printLines(watchLines(resp, { hex: g.hex, valueOnly: false }));
        },
      );
      try {
        await w.done;
      } catch (e) {
        client.close();
        throw new CtlError(errorMessage(e), ExitCode.Interrupted);
      }
      client.close();
      if (canceledByServer) throw new CtlError('watch is canceled by the server', ExitCode.Interrupted);
    });
}
