// watch: prints events until interrupted or until the server cancels the
// watch; follows the cluster across member failures (no event lost or
// repeated); `--interactive` reads `watch ...` / `progress` lines from stdin;
// `-- cmd args` runs a command per event.
import type { Command } from 'commander';
import type { EtcdClient } from '../client/etcd-client.js';
import { ResumableWatch } from '../client/resumable-watch.js';
import * as rpc from '../gen/etcdserverpb.js';
import { CtlError, ExitCode, badArgs } from './exit.js';
import { fieldsWatch } from './format/fields.js';
import { goQuote } from './format/go-quote.js';
import { watchCancelReason, watchJson, watchLines } from './format/kv.js';
import { joinLines } from './format/lines.js';
import { openClient, readGlobals, type Globals } from './globals.js';
import { StdinLines, printErr, printText } from './io.js';
import { display, protobufBytes, type Renderers } from './output.js';
import { argify } from './txn-parse.js';
import { parseInteractiveWatch, parseWatchCommandLine, watchRange, type WatchEnv, type WatchFlags } from './watch-args.js';
import { execPerEvent } from './watch-exec.js';

interface CliFlags {
  prefix?: boolean;
  rev: string;
  prevKv?: boolean;
  interactive?: boolean;
}

function watchRenderers(g: Globals, r: rpc.WatchResponse): Renderers {
  return {
    simple: () => joinLines(watchLines(r, { hex: g.hex, valueOnly: false })),
    json: () => `${watchJson(r)}\n`,
    fields: () => fieldsWatch(r),
    // clientv3.WatchResponse carries only these fields.
    protobuf: () =>
      protobufBytes(rpc.WatchResponse, {
        header: r.header,
        events: r.events,
        compact_revision: r.compact_revision,
        canceled: r.canceled,
        created: r.created,
      }),
  };
}

/** Prints responses one at a time, in order, running the exec command per event before the next. */
class WatchPrinter {
  private chain: Promise<void> = Promise.resolve();
  private failHandlers: ((e: unknown) => void)[] = [];
  readonly failed: Promise<never>;

  constructor(private readonly g: Globals) {
    this.failed = new Promise<never>((_, reject) => this.failHandlers.push(reject));
    this.failed.catch(() => undefined);
  }

  push(r: rpc.WatchResponse, execArgs: string[]): void {
    this.chain = this.chain.then(() => this.print(r, execArgs)).catch((e: unknown) => {
      for (const f of this.failHandlers) f(e);
    });
  }

  idle(): Promise<void> {
    return this.chain;
  }

  private async print(r: rpc.WatchResponse, execArgs: string[]): Promise<void> {
    if (r.canceled) printErr(`watch was canceled (${watchCancelReason(r)})\n`);
    const progress = r.events.length === 0 && !r.canceled && !r.created && r.compact_revision === 0 && (r.header?.revision ?? 0) !== 0;
    if (progress) printText(`progress notify: ${r.header?.revision ?? 0}\n`);
    display(this.g, watchRenderers(this.g, r));
    if (execArgs.length > 0) await execPerEvent(execArgs, r);
  }
}

function startWatch(client: EtcdClient, printer: WatchPrinter, args: string[], flags: WatchFlags, execArgs: string[]): ResumableWatch | string {
  const range = watchRange(args, flags.prefix);
  if (typeof range === 'string') return range;
  return new ResumableWatch(
    client,
    range.key,
    { end: range.end, prefix: flags.prefix, startRevision: flags.rev, prevKv: flags.prevKv },
    (r) => printer.push(r, execArgs),
  );
}

async function interactive(client: EtcdClient, printer: WatchPrinter, env: WatchEnv): Promise<never> {
  const lines = new StdinLines();
  const watches: ResumableWatch[] = [];
  for (;;) {
    const raw = await Promise.race([lines.next(), printer.failed]);
    if (raw === undefined) throw new CtlError('Error reading watch request line: EOF', ExitCode.InvalidInput);
    const l = raw.replace(/\n$/, '');
    const args = argify(l);
    if (args.length < 1) {
      printErr(`Invalid command: ${l} (watch and progress supported)\n`);
      continue;
    }
    if (args[0] === 'watch') {
      if (args.length < 2 && env.key === '') {
        printErr(`Invalid command ${l} (command type or key is not provided)\n`);
        continue;
      }
      const p = parseInteractiveWatch(args.slice(1), env);
      const w = startWatch(client, printer, p.watchArgs, p.flags, p.execArgs);
      if (typeof w === 'string') printErr(`Invalid command ${l} (${w})\n`);
      else watches.push(w);
    } else if (args[0] === 'progress') {
      for (const w of watches) w.requestProgress();
    } else {
      printErr(`Invalid command ${l} (only support watch)\n`);
    }
  }
}

/** The words typed after "watch" (before commander removed `--`). */
function wordsAfterWatch(cmd: Command): string[] {
  let root = cmd;
  while (root.parent !== null) root = root.parent;
  const raw = (root as Command & { rawArgs: string[] }).rawArgs.slice(2);
  const i = raw.indexOf('watch');
  return i >= 0 ? raw.slice(i + 1) : raw;
}

export function registerWatchCommand(program: Command): void {
  program
    .command('watch')
    .description('Watches events stream on keys or prefixes')
    .usage('[options] [key or prefix] [range_end] [--] [exec-command arg1 arg2 ...]')
    .argument('[args...]')
    .option('-i, --interactive', 'Interactive mode')
    .option('--prefix', 'Watch on a prefix if prefix is set')
    .option('--rev <n>', 'Revision to start watching', '0')
    .option('--prev-kv', 'get the previous key-value pair before the event happens')
    .action(async (operands: string[], flags: CliFlags, cmd: Command) => {
      const g = readGlobals(cmd);
      const env: WatchEnv = { key: process.env['ETCDCTL_WATCH_KEY'] ?? '', rangeEnd: process.env['ETCDCTL_WATCH_RANGE_END'] ?? '' };
      if (env.key === '' && env.rangeEnd !== '') {
        throw badArgs(`ETCDCTL_WATCH_KEY is empty but got ETCDCTL_WATCH_RANGE_END=${goQuote(env.rangeEnd)}`);
      }
      if (!/^[+-]?\d+$/.test(flags.rev)) {
        throw badArgs(`invalid argument "${flags.rev}" for "--rev" flag: strconv.ParseInt: parsing "${flags.rev}": invalid syntax`);
      }
      const printer = new WatchPrinter(g);
      const client = await openClient(g);
      try {
        if (flags.interactive) await interactive(client, printer, env);
        const { watchArgs, execArgs } = parseWatchCommandLine(wordsAfterWatch(cmd), operands, env);
        const wflags: WatchFlags = { prefix: flags.prefix === true, rev: Number(flags.rev), prevKv: flags.prevKv === true };
        const w = startWatch(client, printer, watchArgs, wflags, execArgs);
        if (typeof w === 'string') throw badArgs(w);
        await Promise.race([w.done, printer.failed]);
        await Promise.race([printer.idle(), printer.failed]);
      } finally {
        client.close();
      }
      throw new CtlError('watch is canceled by the server', ExitCode.Interrupted);
    });
}
