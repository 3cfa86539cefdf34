// txn: compares, then success operations, then failure operations, each list
// ended by an empty line, read from stdin (with prompts when --interactive).
import { Command, CommanderError } from 'commander';
import * as rpc from '../gen/etcdserverpb.js';
import { CtlError, ExitCode, badArgs } from './exit.js';
import { callFailed } from './call-errors.js';
import { readGlobals, withClient } from './globals.js';
import { StdinLines, printText } from './io.js';
import { displayTxn } from './kv-display.js';
import { addDelFlags, addGetFlags, addPutFlags, deleteRequest, putRequest, rangeRequest, type DelFlags, type GetFlags, type PutFlags } from './kv-ops.js';
import { argify, parseCompare } from './txn-parse.js';

const invalid = (message: string): CtlError => new CtlError(message, ExitCode.InvalidInput);

/** Lines up to the next empty one (trimmed), each parsed as read; EOF before it is an error, as in etcdctl. */
async function readSection<T>(lines: StdinLines, parse: (line: string) => T | Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (;;) {
    const line = await lines.next();
    if (line === undefined) throw invalid('EOF');
    const t = line.trim();
    if (t === '') return out;
    out.push(await parse(t));
  }
}

/** One operation line, parsed with put/get/del's own flags. */
async function parseOp(line: string): Promise<rpc.RequestOpInit> {
  const args = argify(line);
  if (args.length < 2) throw invalid(`invalid txn compare request: ${line}`);
  let op: rpc.RequestOpInit | undefined;
  const quiet = { outputError: () => undefined, writeOut: () => undefined, writeErr: () => undefined };
  const root = new Command().exitOverride().configureOutput(quiet);
  addPutFlags(root.command('put')).action(async (a: string[], f: PutFlags) => {
    op = { request_put: await putRequest(a, f, () => Promise.resolve(Buffer.alloc(0))) };
  });
  addGetFlags(root.command('get')).action((a: string[], f: GetFlags) => {
    op = { request_range: rangeRequest(a, f) };
  });
  addDelFlags(root.command('del')).action((a: string[], f: DelFlags) => {
    op = { request_delete_range: deleteRequest(a, f) };
  });
  try {
    await root.parseAsync(args, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) throw invalid(`invalid txn request: ${line}`);
    throw e;
  }
  if (op === undefined) throw invalid(`invalid txn request: ${line}`);
  return op;
}

export function registerTxnCommand(program: Command): void {
  program
    .command('txn')
    .description('Txn processes all the requests in one transaction')
    .usage('[options]')
    .argument('[args...]')
    .option('-i, --interactive', 'Input transaction in interactive mode')
    .action(async (args: string[], flags: { interactive?: boolean }, cmd: Command) => {
      const g = readGlobals(cmd);
      if (args.length !== 0) throw badArgs('txn command does not accept argument');
      const prompt = (s: string): void => {
        if (flags.interactive) printText(`${s}\n`);
      };
      const lines = new StdinLines();
      prompt('compares:');
      const compare = await readSection(lines, parseCompare);
      prompt('success requests (get, put, del):');
      const success = await readSection(lines, parseOp);
      prompt('failure requests (get, put, del):');
      const failure = await readSection(lines, parseOp);
      const r = await withClient(g, (c) => c.txn({ compare, success, failure })).catch((e: unknown) => {
        throw callFailed(e);
      });
      displayTxn(g, r);
    });
}
